import { readFileSync } from 'fs'
import path from 'path'
import nock from 'nock'
import { writeArchive } from '../../tools/bench/archive'
import { commandLine } from '../../tools/runner/cli'
import { progressLine, timeLeft } from '../../tools/runner/report'
import { ndjson, runMain, tmp } from './run-cli'

// A dry run's plan is what a run does: it runs into a throwaway simulator at Drip's limits, hour after hour, so its
// requests and its hours are those a real run makes. Here the simulator's hourly limits are small (a tenth of an
// hour's worth of Drip's, and less), so that a small archive takes hours of budget; and the destination routes
// batches as it does for Segment (small ones as single requests), not as test/setup.ts has the other tests do.

jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))
jest.mock('../../tools/simulator/rate-limits', () => {
  const actual = jest.requireActual('../../tools/simulator/rate-limits')
  return { ...actual, DRIP_LIMITS: { single: 300, batch: 4, windowMs: 60 * 60 * 1000 } }
})

// The runner's simulator takes this process's requests to Drip: nock steps aside.
beforeAll(() => nock.restore())

interface Person {
  email: string
  status: string
}
const account = (checkpoint: string) =>
  (JSON.parse(readFileSync(`${checkpoint}.drip.json`, 'utf8')) as { accounts: Array<{ people: Person[] }> }).accounts[0]

describe('a mixed archive: the plan, then the runs', () => {
  const dir = tmp()
  const facts = writeArchive(dir, { events: 1500, days: 4, seed: 7 })
  const args = [dir, '--batch', '--batch-size', '100']

  it('plans without a line per event, in the words of a plan, with the input it read', async () => {
    const plan = await runMain([...args, '--dry-run'])
    expect(plan.code).toBe(0)
    expect(plan.stdout).not.toMatch(/deliver/)
    expect(plan.stdout).not.toMatch(/#\d+ /)
    expect(plan.stdout).toMatch(/^Planning .* → a throwaway Drip simulator \(dry run: nothing is sent to Drip\)\n/)
    expect(plan.stdout).toMatch(/\nPlan \(dry run: nothing was sent to Drip; this is what a run would send\)\n/)
    expect(plan.stdout).toMatch(
      new RegExp(
        `\\n {2}input +${facts.files} files, 1,500 items\\n {2}first event +2026-01-\\d\\dT[\\d:.]+Z in segment-logs/`
      )
    )
    expect(plan.stdout).toMatch(
      /\n {2}last event +2026-01-0\dT[\d:.]+Z in segment-logs\/source-1\/2026-01-0\d\/\d\d\/part-0/
    )
    expect(plan.stdout).toMatch(
      new RegExp(`\\n {2}identifies sent ahead +${facts.identified} \\(each person's first, before the rest\\)\\n`)
    )
    expect(plan.stdout).toMatch(
      new RegExp(
        `\\n {2}would hold back +\\d+ \\(${facts.tracksOnly.length} people the input never identifies: ` +
          '--send-unidentified sends them\\)\\n'
      )
    )
    expect(plan.stdout).toMatch(
      /\n {2}Drip's budget needs +about \d+ hours: a run stops at Drip's hourly budget \d+ times/
    )
    expect(plan.stderr).toMatch(/^actions-drip: would hold back \d+ calls of \d+ people the input never identifies/)

    // --per-event: a line per event, what would be sent, without the throwaway simulator's statuses.
    const each = await runMain([...args, '--dry-run', '--per-event'])
    const lines = each.stdout.split('\n').filter((line) => / #\d+ /.test(line))
    const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length
    const wouldSend = Number(/\n {2}events to send +(\d+)\n/.exec(plan.stdout)?.[1])
    const held = Number(/\n {2}would hold back +(\d+) /.exec(plan.stdout)?.[1])
    expect([count(/ would send$/), count(/ HELD: /), count(/ REJECTED: /)]).toEqual([
      wouldSend,
      held,
      facts.withoutEmail
    ])
    expect(lines).toHaveLength(wouldSend + held + facts.withoutEmail)
    expect(count(/ \d{3} +would send$/)).toBe(0)
    expect(each.stdout).not.toMatch(/deliver/)
  })

  it("sends what it planned: the same requests, over the same hours of Drip's budget, and nobody unasked", async () => {
    const json = await runMain([...args, '--dry-run', '--json'])
    const plan = ndjson(json.stdout).lines
    expect(plan.map((line) => line.kind)).toEqual(['plan'])
    const [planned] = plan
    expect(planned).not.toHaveProperty('delivered')
    expect(planned.budgetHours).toBeGreaterThan(2)
    expect(planned.requests).toBe(planned.singleRequests + planned.batchRequests)
    expect(planned).toMatchObject({
      firstIdentifies: facts.identified,
      heldPeople: facts.tracksOnly.length,
      items: 1500,
      files: facts.files
    })

    // A run that stops at the budget, then one that waits for it to the end, as an admin would run them.
    const checkpoint = path.join(tmp(), 'backfill.json')
    const first = await runMain([...args, '--quiet', '--checkpoint', checkpoint, '--json'])
    expect(first.code).toBe(75)
    const rest = await runMain([...args, '--quiet', '--checkpoint', checkpoint, '--wait', '--json'])
    expect(rest.code).toBe(0)
    const [stopped, done] = [ndjson(first.stdout).summary, ndjson(rest.stdout).summary]
    expect(stopped.requests + done.requests).toBe(planned.requests)
    expect(stopped.simulator.budgetHours + done.simulator.budgetHours).toBe(planned.budgetHours)
    const endpoints = { ...stopped.requestsByEndpoint }
    for (const [endpoint, count] of Object.entries(done.requestsByEndpoint as Record<string, number>)) {
      endpoints[endpoint] = (endpoints[endpoint] ?? 0) + count
    }
    expect(endpoints).toEqual(planned.requestsByEndpoint)
    expect(stopped.delivered + done.delivered).toBe(planned.wouldSend)

    // Nobody met only through tracks was created; the active are exactly those whose own first identify said so.
    const people = account(checkpoint).people
    expect(people).toHaveLength(facts.identified)
    const tracksOnly = new Set(facts.tracksOnly)
    expect(people.filter((p) => tracksOnly.has(p.email))).toEqual([])
    expect(new Set(people.filter((p) => p.status === 'active').map((p) => p.email))).toEqual(new Set(facts.optedIn))

    // Each refusal once, across the hours the second run waited through (a new run shows them again: they are not
    // what a checkpoint records, as the input or mapping may have been mended).
    expect(done.simulator.budgetHours).toBeGreaterThan(1)
    const refused = ndjson(rest.stdout).results.filter((r) => r.outcome === 'rejected')
    expect(refused).toHaveLength(facts.withoutEmail)
    expect(new Set(refused.map((r) => `${r.file}#${r.position}`)).size).toBe(facts.withoutEmail)
    expect(done.rejected).toBe(facts.withoutEmail)
  })
})

it("plans stdin, which it reads once, from its requests: every event in it, at Drip's own limits", async () => {
  const stdin = Array.from({ length: 350 }, (_, i) =>
    JSON.stringify({ type: 'identify', traits: { email: `p${i}@example.com` } })
  )
  const plan = await runMain(['-', '--dry-run', '--json'], { stdin: stdin.join('\n') })
  expect(plan.code).toBe(0)
  expect(ndjson(plan.stdout).lines).toEqual([
    expect.objectContaining({ kind: 'plan', wouldSend: 350, requests: 350, singleRequests: 350, budgetHours: 1 })
  ])
})

describe('the command to continue with is the one the user ran', () => {
  const args = ['my-archive/', '--batch', '--checkpoint', 'my backfill.json']
  it.each([
    [
      'npm start in a clone',
      { npm_lifecycle_event: 'start', npm_package_name: 'actions-drip' },
      undefined,
      'npm start --'
    ],
    [
      'npm start -s in a clone',
      { npm_lifecycle_event: 'start', npm_package_name: 'actions-drip', npm_config_loglevel: 'silent' },
      undefined,
      'npm start -s --'
    ],
    [
      'npx once installed',
      { npm_lifecycle_event: 'npx', npm_lifecycle_script: 'actions-drip' },
      undefined,
      'npx actions-drip'
    ],
    [
      'the installed command, started alone',
      {},
      '/app/node_modules/actions-drip/dist/tools/runner/bin.js',
      'npx actions-drip'
    ],
    [
      'node on the built file in a clone',
      {},
      path.join(process.cwd(), 'dist/tools/runner/bin.js'),
      'node dist/tools/runner/bin.js'
    ],
    [
      'another package\u2019s npm start',
      { npm_lifecycle_event: 'start', npm_package_name: 'my-shop' },
      '/shop/node_modules/actions-drip/dist/tools/runner/bin.js',
      'npx actions-drip'
    ],
    [
      'npx of something else',
      { npm_lifecycle_event: 'npx', npm_lifecycle_script: 'ts-node x.ts' },
      undefined,
      'actions-drip'
    ]
  ])('%s', (_name, env, program, command) => {
    expect(commandLine({ env, program }, args)).toBe(`${command} my-archive/ --batch --checkpoint 'my backfill.json'`)
  })

  it('is what a run that stops at the budget prints', async () => {
    const dir = tmp()
    writeArchive(dir, { events: 400, days: 1, seed: 3 })
    const checkpoint = path.join(tmp(), 'backfill.json')
    const env = { npm_lifecycle_event: 'start', npm_package_name: 'actions-drip' }
    const run = await runMain([dir, '--quiet', '--checkpoint', checkpoint], { env })
    expect(run.code).toBe(75)
    expect(run.stderr).toContain(`continue with:\n  npm start -- ${dir} --quiet --checkpoint ${checkpoint}\n`)
  })
})

describe("the progress bar's time left", () => {
  it("is Drip's budget's when that is the limit, else the rate's", () => {
    // A tenth of the input read in 60 s with 20 batch requests: 180 more to go, 30 of them this hour, 150 at 50 an hour.
    const budget = timeLeft({ share: 0.1, seconds: 60, requests: { single: 0, batch: 20 }, budget: { batch: 30 } })
    expect(budget).toEqual({ seconds: 3 * 3600, by: 'budget', kind: 'batch' })
    // Within this hour's budget: the rate's.
    expect(timeLeft({ share: 0.5, seconds: 10, requests: { single: 100, batch: 2 }, budget: {} })).toEqual({
      seconds: 10,
      by: 'rate'
    })
    expect(timeLeft({ share: 0, seconds: 1, requests: { single: 0, batch: 0 }, budget: {} })).toBeUndefined()
  })

  it("says which: hours on Drip's budget, or seconds at this rate", () => {
    const base = { bytes: 100, total: 1000, events: 500, seconds: 60, budget: { batch: 30 } }
    expect(progressLine({ ...base, requests: { single: 0, batch: 20 } })).toMatch(
      /about 3\.0 h left on Drip's budget \(50 batch requests an hour\)$/
    )
    expect(progressLine({ ...base, requests: { single: 10, batch: 0 } })).toMatch(
      / 8\/s .*about 9 min left at this rate$/
    )
  })
})
