import { Writable } from 'stream'
import { main } from '../runner/cli'

// One runner replay in a fresh process, for the benchmark: `runner-child FILE [runner args]` prints
// {"seconds", "maxRssMb", "exitCode"} as JSON. The runner's own output is swallowed.

async function run() {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
  const started = process.hrtime.bigint()
  const exitCode = await main({
    argv: process.argv.slice(2),
    env: process.env,
    stdin: process.stdin,
    stdout: sink as NodeJS.WritableStream,
    stderr: process.stderr
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, exitCode })}\n`)
}

run().catch((error) => {
  console.error(error)
  process.exit(1)
})
