import { Readable } from 'stream'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../tools/simulator'
import { presetSubscriptions } from '../tools/subscriptions'
import { readEvents } from '../tools/runner/input'
import { Runner, type EventResult } from '../tools/runner/run'
import { useSimulator } from './simulated'

const drip = useSimulator()

async function run(lines: unknown[], batch = false, batchSize?: number) {
  const results: EventResult[] = []
  const runner = new Runner({
    definition: drip.definition,
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    subscriptions: presetSubscriptions(drip.definition),
    batch,
    batchSize,
    onResult: (r) => results.push(r)
  })
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')
  const summary = await runner.run(readEvents(Readable.from([text])))
  return { results, summary }
}

const identify = (email: string) => ({ type: 'identify', traits: { email } })
const track = (email: string) => ({ type: 'track', event: 'Clicked', properties: { email } })

it('reports every event: delivered, rejected before sending, skipped and unparsable', async () => {
  const { results, summary } = await run([
    identify('a@example.com'),
    track(''),
    '{oops',
    { type: 'screen', name: 'Home' }
  ])
  expect(results).toEqual([
    {
      line: 1,
      type: 'identify',
      action: 'identify',
      request: `POST /v2/${DEMO_ACCOUNT_ID}/subscribers`,
      status: 200,
      outcome: 'delivered'
    },
    {
      line: 2,
      type: 'track',
      name: 'Clicked',
      action: 'trackEvent',
      status: 400,
      outcome: 'rejected',
      message: "The root value is missing the required field 'email'."
    },
    { line: 3, outcome: 'unparsable', message: expect.stringMatching(/^not valid JSON/) },
    { line: 4, type: 'screen', name: 'Home', outcome: 'skipped', message: 'no mapping subscribes to this event' }
  ])
  expect(summary).toMatchObject({
    eventsRead: 3,
    unparsable: 1,
    delivered: 1,
    rejected: 1,
    failed: 0,
    skipped: 1,
    requests: 1
  })
})

it("reports a Drip failure as failed, with Drip's message", async () => {
  drip.sim.inject({ path: '/subscribers', status: 500, body: '<html><body>Internal Server Error</body></html>' })
  const { results, summary } = await run([identify('a@example.com')])
  expect(results[0]).toMatchObject({
    outcome: 'failed',
    status: 500,
    message: 'Drip answered 500: Internal Server Error'
  })
  expect(summary).toMatchObject({ failed: 1, requests: 1 })
})

it('batches per mapping in groups of the batch size, one result per event', async () => {
  const events = [
    ...Array.from({ length: 5 }, (_, i) => identify(`p${i}@example.com`)),
    identify('broken'),
    track('t@example.com')
  ]
  const { results, summary } = await run(events, true, 2)
  expect(summary).toMatchObject({ eventsRead: 7, delivered: 6, rejected: 1, requests: 4 })
  expect(summary.requestsByEndpoint).toEqual({
    [`POST /v2/${DEMO_ACCOUNT_ID}/subscribers/batches`]: 3,
    [`POST /v2/${DEMO_ACCOUNT_ID}/events/batches`]: 1
  })
  expect(results.filter((r) => r.outcome === 'rejected')).toEqual([
    expect.objectContaining({ line: 6, action: 'identify', status: 400, request: undefined })
  ])
  expect(drip.sim.state().accounts[0].people).toHaveLength(6)
})

it('marks every event of a batch Drip refused as failed', async () => {
  drip.sim.inject({
    path: '/subscribers/batches',
    status: 429,
    body: { message: 'API rate limit exceeded. Please try again in an hour.' }
  })
  const { results } = await run([identify('a@example.com'), identify('b@example.com')], true)
  expect(results.map((r) => [r.outcome, r.status])).toEqual([
    ['failed', 429],
    ['failed', 429]
  ])
  expect(results[0].message).toMatch(/hourly rate limit/)
})
