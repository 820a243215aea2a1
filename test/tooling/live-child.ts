import { main } from '../../tools/runner/cli'

// The runner's command as bin.ts runs it, except that --live sends to TEST_DRIP_URL: a simulator in the test's own
// process, standing for a Drip that outlives the runner when the test kills it with -9 (see backfill.test.ts).
const stop = new AbortController()
for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => stop.abort(name))

main({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
  liveApiBaseUrl: process.env.TEST_DRIP_URL
})
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: Error) => {
    process.stderr.write(`live-child: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
  .finally(() => process.stdin.destroy())
