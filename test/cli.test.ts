import { spawn } from 'child_process'
import { mkdtempSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { DEMO_API_TOKEN } from '../tools/simulator'

// The runner as a person runs it: its command (`npm start` and `npx actions-drip` run the same file compiled), from the
// sources so the suite needs no build. .ci/run runs the compiled command from an installed package.
const BIN = path.join(__dirname, '..', 'tools', 'runner', 'bin.ts')

function cli(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', BIN, ...args], {
      cwd: path.join(__dirname, '..'),
      env: { PATH: process.env.PATH, ...env }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

it('replays the bundled sample into the simulator and exits 0', async () => {
  const { code, stdout } = await cli([])
  expect(code).toBe(0)
  expect(stdout).toMatch(/Replaying the sample events via onEvent → Drip simulator at http:\/\/127\.0\.0\.1:\d+/)
  expect(stdout).toMatch(/#1 identify .*→ identify .*POST \/v2\/9999999\/subscribers +200 +delivered/)
  expect(stdout).toMatch(/REJECTED: The root value is missing the required field 'email'\./)
  expect(stdout).toMatch(/events read +11/)
  expect(stdout).toMatch(/What Drip now holds: \d+ people, \d+ events/)
  expect(stdout).toContain('ada@example.com')
  expect(stdout).not.toContain(DEMO_API_TOKEN)
})

it('replays page, group and alias calls with the documented mappings', async () => {
  const { code, stdout } = await cli(['--mapping', 'examples/subscriptions.json', '--json'])
  expect(code).toBe(0)
  const report = JSON.parse(stdout)
  const byLine = Object.fromEntries(
    report.results.map((r: { line: number; outcome: string; action?: string }) => [r.line, [r.action, r.outcome]])
  )
  expect([byLine[8], byLine[9], byLine[10]]).toEqual([
    ['trackEvent', 'delivered'],
    ['identify', 'delivered'],
    ['identify', 'delivered']
  ])
  expect(report.drip.events.map((e: { action: string }) => e.action)).toContain('Viewed Pricing Page')
  expect(JSON.stringify(report)).not.toContain(DEMO_API_TOKEN)
})

it('reads NDJSON from stdin, reports a bad line by number and processes the rest', async () => {
  const input = [
    '{"type":"identify","traits":{"email":"x@example.com"}}',
    'this is not json',
    '{"type":"track","event":"Go","properties":{"email":"x@example.com"}}'
  ].join('\n')
  const { code, stdout } = await cli(['-', '--json'], input)
  expect(code).toBe(0)
  const report = JSON.parse(stdout)
  expect(report.results.map((r: { line: number; outcome: string }) => [r.line, r.outcome])).toEqual([
    [1, 'delivered'],
    [2, 'unparsable'],
    [3, 'delivered']
  ])
  expect(report.summary).toMatchObject({ eventsRead: 2, unparsable: 1, delivered: 2, requests: 2 })
  expect(report.drip.people.map((p: { email: string }) => p.email)).toEqual(['x@example.com'])
})

it('fails the run with --strict when an event was rejected', async () => {
  const { code } = await cli(['-', '--strict', '--quiet'], '{"type":"identify","traits":{"email":"nope"}}')
  expect(code).toBe(1)
})

it("exits 1 when Drip refuses events: the 51st batch request of the hour meets Drip's rate limit", async () => {
  const input = Array.from({ length: 51 }, (_, i) =>
    JSON.stringify({ type: 'identify', traits: { email: `p${i}@example.com` } })
  )
  const { code, stdout } = await cli(['-', '--batch', '--batch-size', '1', '--quiet'], input.join('\n'))
  expect(code).toBe(1)
  expect(stdout).toMatch(/#51 identify .* 429 +FAILED: Drip's hourly rate limit for this account was reached/)
  expect(stdout).toMatch(/delivered to Drip +50/)
  expect(stdout).toMatch(/failed at Drip +1/)
})

it('answers an unknown flag with usage and exit code 2', async () => {
  const { code, stderr } = await cli(['--frobnicate'])
  expect(code).toBe(2)
  expect(stderr).toMatch(/Unknown option '--frobnicate'/)
  expect(stderr).toMatch(/actions-drip --help/)
})

it('answers a mapping file with bad FQL with a usage error naming the entry', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mapping-')), 'subscriptions.json')
  writeFileSync(
    file,
    JSON.stringify([{ preset: 'Identify' }, { partnerAction: 'identify', subscribe: 'bogus', mapping: {} }])
  )
  const { code, stderr } = await cli(['--mapping', file])
  expect(code).toBe(2)
  expect(stderr).toBe(`actions-drip: --mapping ${file}: entry 2: "bogus" is not valid FQL\n`)
})

it('documents itself with --help', async () => {
  const { code, stdout } = await cli(['--help'])
  expect(code).toBe(0)
  for (const flag of ['--batch', '--mapping', '--live', '--json', '--strict', 'Exit codes'])
    expect(stdout).toContain(flag)
})

it('refuses --live without credentials, naming what is missing, and sends nothing', async () => {
  const { code, stderr } = await cli(['--live'], undefined, { DRIP_ACCOUNT_ID: '1234567' })
  expect(code).toBe(2)
  expect(stderr).toBe('actions-drip: --live needs DRIP_API_KEY in the environment; nothing was sent.\n')
})
