import { main } from '../../tools/runner/cli'
import { routeDripTo } from '../../tools/simulator/routing'

// The runner's command as bin.ts runs it, except that this process's requests to Drip (--live) go to TEST_DRIP_URL: a
// simulator in the test's own process, standing for a Drip that outlives the runner when the test kills it with -9
// (see backfill.test.ts).
routeDripTo(process.env.TEST_DRIP_URL!)
const stop = new AbortController()
for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => stop.abort(name))

main({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal
})
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: Error) => {
    process.stderr.write(`live-child: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
  .finally(() => process.stdin.destroy())
