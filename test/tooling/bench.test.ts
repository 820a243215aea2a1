import { spawnSync } from 'child_process'
import { mkdtempSync, readFileSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'

// The benchmark on tiny inputs, so it cannot rot. It asserts what was measured, never how fast.
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

it('npm run bench -- --smoke measures all five things and writes them with --out', () => {
  const out = path.join(scratch, 'bench.json')
  const root = path.join(__dirname, '..', '..')
  // Cold start requires the built package.
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8'
  })
  expect(build.stdout + build.stderr).toBe('')
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'tools/bench/index.ts', '--smoke', '--out', out],
    { cwd: root, encoding: 'utf8' }
  )
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  for (const heading of ['1. Drip requests', '2. CPU µs per event', '3. Cold start', '4. Runner', '5. Traffic']) {
    expect(result.stdout).toContain(heading)
  }
  const report = JSON.parse(readFileSync(out, 'utf8'))
  // 100 identify, 100 track and 200 orders: one request each without batching, one batch request per action with it.
  expect(report.requests.perAction).toEqual({
    identify: { single: 100, batched: 1 },
    trackEvent: { single: 100, batched: 1 },
    orderActivity: { single: 200, batched: 1 }
  })
  // CPU: ours and the bare sender (and upstream's shape, and the floor) side by side, per event, a ratio row under each;
  // the batch rows carry the target. What they measure is checked, not how fast it was.
  const keys = ['identify single', 'identify batch', 'trackEvent single', 'trackEvent batch']
  expect(Object.keys(report.cpu)).toEqual(keys)
  const figure = String.raw`\d+\.\d \(\d+\.\d–\d+\.\d\)`
  const ratio = String.raw`\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)`
  for (const key of keys) {
    const target = key.endsWith('batch') ? '; target ≤ 1\\.15: (met|MISSED)' : ''
    expect(result.stdout).toMatch(
      new RegExp(
        `\\n   ${key} +ours ${figure}  bare ${figure}  upstream ${figure}  floor ${figure}\\n` +
          ` +ours/bare ${ratio}  upstream/bare ${ratio}  floor/bare ${ratio}${target}\\n`
      )
    )
    for (const kind of ['ours', 'bare', 'upstream', 'floor']) expect(report.cpu[key][kind]).toBeGreaterThan(0)
  }
  // Every sender but the floor sent the same requests to the fake Drip: one per event alone (100 onEvent calls), one
  // batch request for the 1,000 events of an onBatch call.
  const sent = (path: string, n: number) => ({
    ours: { [path]: n },
    bare: { [path]: n },
    upstream: { [path]: n },
    floor: {}
  })
  expect(Object.fromEntries(keys.map((key) => [key, report.cpuSamples[key].requests]))).toEqual({
    'identify single': sent('POST /v2/:account/subscribers', 100),
    'identify batch': sent('POST /v2/:account/subscribers/batches', 1),
    'trackEvent single': sent('POST /v2/:account/events', 100),
    'trackEvent batch': sent('POST /v2/:account/events/batches', 1)
  })
  expect(Object.keys(report.runner)).toEqual(['200', '2000'])
  // A steady 10 a minute: the batch endpoint alone runs out of its 50 requests; single requests and ours serve it.
  const trafficOf = (source: string) =>
    Object.fromEntries(
      report.traffic
        .filter((t: { source: string }) => t.source === source)
        .map((t: { strategy: string; refused: number }) => [t.strategy, t.refused > 0])
    )
  expect(trafficOf('steady 10/min')).toEqual({
    'batch endpoint always': true,
    'individual always': false,
    'ours: routed by size': false
  })
  expect(trafficOf('bursty 100/min')).toEqual({
    'batch endpoint always': false,
    'individual always': true,
    'ours: routed by size': false
  })
  expect(report.trafficCoversBoth).toBe(true)
})
