import { readFileSync } from 'fs'
import { Readable } from 'stream'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { presetSubscriptions, UsageError } from '../../tools/subscriptions'
import { readEvents } from '../../tools/runner/input'
import { Runner, type EventResult } from '../../tools/runner/run'
import { SAMPLE } from '../../tools/runner/cli'
import { useSimulator } from '../simulated'

// Unlimited: a replay that keeps each person's order may take more batch requests than Drip's 50 an hour.
const drip = useSimulator({ limits: { single: Infinity, batch: Infinity } })

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
      position: 1,
      line: 1,
      type: 'identify',
      action: 'identify',
      request: `POST /v2/${DEMO_ACCOUNT_ID}/subscribers`,
      status: 200,
      outcome: 'delivered'
    },
    {
      position: 2,
      line: 2,
      type: 'track',
      name: 'Clicked',
      action: 'trackEvent',
      status: 400,
      outcome: 'rejected',
      // The runtime's refusal, in the admin's words: the label, and where the default looked.
      message:
        'Email Address (email) is empty; its default looks in properties.email, then context.traits.email: map Email Address to where your events carry it.'
    },
    {
      position: 3,
      line: 3,
      outcome: 'unparsable',
      message: 'not valid JSON (Expected property name or \'}\' in JSON at position 1): starts "{oops"'
    },
    {
      position: 4,
      line: 4,
      type: 'screen',
      name: 'Home',
      outcome: 'skipped',
      message: 'no mapping subscribes to this event'
    }
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

it('refuses a subscription it cannot run with a UsageError, which the CLI (and only it) turns into exit 2', () => {
  const runner = (subscribe: string, partnerAction: string) => () =>
    new Runner({
      definition: drip.definition,
      settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
      subscriptions: [{ name: 'x', subscribe, partnerAction, mapping: {} }],
      onResult: () => undefined
    })
  expect(runner('type = ', 'identify')).toThrow(UsageError)
  expect(runner('type = "identify"', 'sendCoupons')).toThrow(
    new UsageError('subscription names an unknown action "sendCoupons"')
  )
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
    expect.objectContaining({ position: 6, action: 'identify', status: 400, request: undefined })
  ])
  expect(drip.sim.state().accounts[0].people).toHaveLength(6)
})

it("defers the events of a batch that met Drip's hourly limit: a later run sends them", async () => {
  drip.sim.inject({
    path: '/subscribers/batches',
    status: 429,
    body: { message: 'API rate limit exceeded. Please try again in an hour.' }
  })
  const { results, summary } = await run([identify('a@example.com'), identify('b@example.com')], true)
  expect(results.map((r) => [r.outcome, r.status])).toEqual([
    ['deferred', 429],
    ['deferred', 429]
  ])
  expect(results[0].message).toMatch(/hourly rate limit/)
  expect({ failed: summary.failed, deferred: summary.deferred }).toEqual({ failed: 0, deferred: 2 })
})

it('numbers the events of a one-line JSON array by their position, not by the line', async () => {
  const { results } = await run([JSON.stringify([identify('a@example.com'), identify('b@example.com')])])
  expect(results.map((r) => [r.position, r.line])).toEqual([
    [1, 1],
    [2, 1]
  ])
})

it('reports the values the destination left out, per event and in the summary', async () => {
  const { results, summary } = await run(
    [{ type: 'identify', traits: { email: 'n@example.com', sms_number: '612 555 1212' }, context: { ip: 'nope' } }],
    true
  )
  const notes = [
    'SMS Number left out: Drip takes US numbers in E.164 form with the country code, e.g. +16125551212.',
    'IP Address left out: not an IPv4 or IPv6 address.'
  ]
  expect(results[0]).toMatchObject({ outcome: 'delivered', notes })
  expect(summary.notes).toEqual(Object.fromEntries(notes.map((note) => [note, 1])))
})

describe('the same input leaves the same Drip state with and without --batch', () => {
  // Each person's events reach Drip in input order: an identify waiting in a batch goes before that person's track.
  const state = () =>
    drip.sim
      .state()
      .accounts[0].people.map(({ email, status, tags, custom_fields, user_id }) => ({
        email,
        status,
        tags,
        custom_fields,
        user_id
      }))
      .sort((a, b) => a.email.localeCompare(b.email))
  const events = (people: number) =>
    Array.from({ length: people }, (_, i) => [
      { type: 'identify', userId: `u${i}`, traits: { email: `p${i}@example.com`, tags: `t${i}`, plan: `p${i % 3}` } },
      { type: 'track', userId: `u${i}`, event: 'Clicked', properties: { email: `p${i}@example.com` } },
      {
        type: 'identify',
        userId: `u${i}`,
        traits: { email: `p${i}@example.com`, status: i % 2 ? 'active' : undefined }
      }
    ]).flat()

  it.each([
    ['the bundled sample', () => readFileSync(SAMPLE, 'utf8').trim().split('\n')],
    ['a generated file of 60 people', () => events(60)]
  ])('%s', async (_name, input) => {
    await run(input())
    const single = state()
    drip.sim.reset()
    await run(input(), true, 7)
    expect(state()).toEqual(single)
    expect(single.length).toBeGreaterThan(0)
  })
})

it('stops reading when its signal aborts, sends what was read and says so', async () => {
  const stop = new AbortController()
  const results: EventResult[] = []
  const runner = new Runner({
    definition: drip.definition,
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    subscriptions: presetSubscriptions(drip.definition),
    batch: true,
    onResult: (r) => {
      results.push(r)
    }
  })
  async function* input() {
    let position = 0
    for (;;) {
      position++
      if (position === 5) stop.abort('SIGINT')
      yield { position, line: position, event: identify(`i${position}@example.com`) as never }
    }
  }
  const summary = await runner.run(input(), stop.signal)
  expect(summary).toMatchObject({ interrupted: 'SIGINT', eventsRead: 4, delivered: 4 })
  expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered', 'delivered', 'delivered'])
  expect(drip.sim.state().accounts[0].people).toHaveLength(4)
})
