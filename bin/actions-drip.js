#!/usr/bin/env node
// `npm start` / `npx actions-drip`: the runner (tools/runner/cli.ts), run from the TypeScript sources so what you run
// is what you edited.
const path = require('path')

let register
try {
  register = require('ts-node').register
} catch {
  process.stderr.write('actions-drip: ts-node is missing; run npm ci in the actions-drip checkout first.\n')
  process.exit(2)
}
register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') })
const cli = require(path.join(__dirname, '..', 'tools', 'runner', 'cli.ts'))

cli
  .main({
    argv: process.argv.slice(2),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr
  })
  .then((code) => {
    process.exitCode = code
  })
  .catch((error) => {
    process.stderr.write(`actions-drip: ${error && error.message ? error.message : error}\n`)
    process.exitCode = 1
  })
