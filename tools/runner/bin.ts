#!/usr/bin/env node
// `npx actions-drip` / `npm start`: the runner's command, compiled to dist/tools/runner/bin.js.
import { main } from './cli'

// SIGINT (Ctrl-C) and SIGTERM stop the run: what was read is sent and reported, then the summary is printed.
const stop = new AbortController()
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => stop.abort(name))
}

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
    process.stderr.write(`actions-drip: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
