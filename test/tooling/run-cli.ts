import { spawn } from 'child_process'
import { mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { Readable, Writable } from 'stream'
import { main } from '../../tools/runner/cli'

// The runner as a person runs it: its command (`npm start` and `npx actions-drip` run the same file compiled), from the
// sources so the suite needs no build. .ci/run runs the compiled command from an installed package.
const BIN = path.join(__dirname, '..', '..', 'tools', 'runner', 'bin.ts')
const ROOT = path.join(__dirname, '..', '..')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export function start(args: string[], env: NodeJS.ProcessEnv = {}, script = BIN) {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env }
  })
}

/** The runner as bin.ts runs it, but --live sends to `url`: a simulator in the test's process (see live-child.ts). */
export const startLive = (args: string[], url: string, env: NodeJS.ProcessEnv = {}) =>
  start(args, { TEST_DRIP_URL: url, ...env }, path.join(__dirname, 'live-child.ts'))

/** What a started command printed, and how it ended. */
export function ended(child: ReturnType<typeof start>) {
  return new Promise<Run & { signal: NodeJS.Signals | null }>((resolve) => {
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** Resolves once `condition` holds, looking every few milliseconds (for a test's own machinery, never a deadline). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
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

// A test file's scratch folders, removed once its tests are done.
const scratch: string[] = []
afterAll(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A scratch folder for one test; gone when the test file ends. */
export function tmp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'actions-drip-cli-'))
  scratch.push(dir)
  return dir
}
export const identify = (i: number) => JSON.stringify({ type: 'identify', traits: { email: `p${i}@example.com` } })

/**
 * The runner's main() in this process, as bin.ts calls it: no process to start, so a test's time is the replay's.
 * `signal` stands for SIGINT and SIGTERM (bin.ts aborts it with the signal's name); `onStdout` sees each write.
 */
export async function runMain(
  args: string[],
  options: {
    stdin?: string | Buffer | Readable
    signal?: AbortSignal
    /** Called with what was printed so far, and what this write added. */
    onStdout?: (stdout: string, chunk: string) => void
    env?: NodeJS.ProcessEnv
  } = {}
): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const sink = (add: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        add(chunk.toString())
        done()
      }
    })
  const input = options.stdin
  const code = await main({
    argv: args,
    env: options.env ?? {},
    stdin: input instanceof Readable ? input : Readable.from(input === undefined ? [] : [Buffer.from(input)]),
    stdout: sink((text) => {
      stdout += text
      options.onStdout?.(stdout, text)
    }),
    stderr: sink((text) => (stderr += text)),
    signal: options.signal
  })
  return { code, stdout, stderr }
}
