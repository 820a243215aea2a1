import { spawn } from 'child_process'
import { mkdtempSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'

// The runner as a person runs it: its command (`npm start` and `npx actions-drip` run the same file compiled), from the
// sources so the suite needs no build. .ci/run runs the compiled command from an installed package.
const BIN = path.join(__dirname, '..', '..', 'tools', 'runner', 'bin.ts')
const ROOT = path.join(__dirname, '..', '..')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env }
  })
}

export function cli(args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}) {
  return new Promise<Run>((resolve) => {
    const child = start(args, env)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

/** The NDJSON `--json` prints, by kind. */
export function ndjson(stdout: string) {
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  const of = (kind: string) => lines.filter((l) => l.kind === kind)
  return { results: of('result'), summary: of('summary')[0], drip: of('drip')[0], people: of('person'), lines }
}

export const tmp = () => mkdtempSync(path.join(tmpdir(), 'actions-drip-cli-'))
export const identify = (i: number) => JSON.stringify({ type: 'identify', traits: { email: `p${i}@example.com` } })
