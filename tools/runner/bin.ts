#!/usr/bin/env node
// `npx actions-drip` / `npm start`: the runner's command, compiled to dist/tools/runner/bin.js.
import { main } from './cli'

// SIGINT (Ctrl-C) and SIGTERM stop the run: what was read is sent and reported, the checkpoint written, then the
// summary is printed. A second one ends the process at once, as kill -9 does (see the README for what that resends).
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
  signal: stop.signal,
  program: process.argv[1]
})
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: Error) => {
    process.stderr.write(`actions-drip: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
  // A read of stdin still waiting (a signal stopped the run while it had nothing to say) would keep the process up.
  .finally(() => process.stdin.destroy())
