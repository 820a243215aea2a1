#!/usr/bin/env node
// `npx actions-drip` / `npm start`: the runner's command, compiled to dist/tools/runner/bin.js.
import { main } from './cli'

main({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr
})
  .then((code) => {
    process.exitCode = code
  })
  .catch((error: Error) => {
    process.stderr.write(`actions-drip: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
