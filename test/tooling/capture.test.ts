import { spawnSync } from 'child_process'
import { readFileSync } from 'fs'
import path from 'path'
import { captureTarget } from '../../scripts/capture-segment-events'
import { tmp } from './run-cli'

// `npm run capture` writes where the user says, and the committed fixtures change only when asked.

const ROOT = path.join(__dirname, '..', '..')
const FIXTURES = path.join(ROOT, 'test', 'fixtures')

it('writes to --out FILE, to a temporary file by default, and to the fixtures only with --update-fixtures', () => {
  expect(captureTarget(['--out', 'mine.ndjson'])).toEqual({ shop: false, out: 'mine.ndjson' })
  const byDefault = captureTarget([])
  expect(path.basename(byDefault.out)).toBe('segment-library-events.ndjson')
  expect(path.relative(ROOT, byDefault.out).startsWith('..')).toBe(true)
  expect(captureTarget(['--shop', '--update-fixtures'])).toEqual({
    shop: true,
    out: path.join(FIXTURES, 'server-side-shop.ndjson')
  })
  expect(captureTarget(['--update-fixtures'])).toEqual({
    shop: false,
    out: path.join(FIXTURES, 'segment-library-events.ndjson')
  })
  expect(() => captureTarget(['--out', 'a.ndjson', '--update-fixtures'])).toThrow(/name two places/)
  expect(() => captureTarget(['a.ndjson'])).toThrow(/name the file with --out FILE/)
})

it('a capture leaves the committed fixtures as they are', () => {
  const fixtures = ['segment-library-events.ndjson', 'server-side-shop.ndjson'].map((name) =>
    readFileSync(path.join(FIXTURES, name))
  )
  const out = path.join(tmp(), 'capture.ndjson')
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'scripts/capture-segment-events.ts', '--shop', '--out', out],
    { cwd: ROOT, encoding: 'utf8' }
  )
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  const events = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  expect(run.stdout).toBe(`wrote ${events.length} events to ${path.relative(ROOT, out)}\n`)
  // The shop's journey, as the library sent it.
  expect(events.length).toBeGreaterThan(30)
  expect(events.every((event) => event.context?.library?.name === '@segment/analytics-node')).toBe(true)
  expect(new Set(events.map((event) => event.event ?? event.type))).toEqual(
    new Set(['identify', 'Cart Viewed', 'Checkout Started', 'Order Completed'])
  )
  ;['segment-library-events.ndjson', 'server-side-shop.ndjson'].forEach((name, i) =>
    expect(readFileSync(path.join(FIXTURES, name)).equals(fixtures[i])).toBe(true)
  )
})
