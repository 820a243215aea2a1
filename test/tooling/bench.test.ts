import { spawnSync } from 'child_process'
import { mkdtempSync, readFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'

// The benchmark on tiny inputs, so it cannot rot. It asserts what was measured, never how fast.
it('npm run bench -- --smoke measures all five things and writes them with --out', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'bench-smoke-')), 'bench.json')
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
  expect(Object.keys(report.cpu)).toEqual([
    'identify single',
    'identify batch',
    'trackEvent single',
    'trackEvent batch'
  ])
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
