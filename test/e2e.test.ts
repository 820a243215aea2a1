import { Destination } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import { createDefinition } from '../src'
import type { Settings } from '../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../tools/simulator'
import { presetSubscriptions } from '../tools/subscriptions'
import { segmentEvent } from './helpers'
import { OPENAPI_DIR } from './shared'
import { contractProblems } from './contract'

// The whole path as it runs in production, with Drip simulated: Segment's runtime → the destination → real HTTP over
// loopback → a Drip that validates every body against Drip's own OpenAPI description.

let sim: DripSimulator
let destination: Destination<Settings>
let definition: ReturnType<typeof createDefinition>

beforeAll(async () => {
  sim = new DripSimulator({ openApiDir: OPENAPI_DIR })
  definition = createDefinition(await sim.start())
  destination = new Destination(definition)
})
afterAll(() => sim.stop())

// Every request the simulator received keeps the contract with Drip (test/contract.ts).
afterEach(() => {
  const problems = sim.received.flatMap((r) =>
    contractProblems(r.method, r.path, r.text ? JSON.parse(r.text) : undefined)
  )
  sim.received.length = 0
  expect(problems).toEqual([])
})
beforeEach(() => sim.reset())

const settings = (mapping: Record<string, JSONObject> = {}) =>
  ({
    accountId: DEMO_ACCOUNT_ID,
    apiKey: Buffer.from(`${DEMO_API_TOKEN}:\n`).toString('base64'),
    subscriptions: presetSubscriptions(definition, mapping)
  }) as unknown as JSONObject
const account = () => sim.state().accounts[0]

it('identify, one event at a time, reaches Drip as a person', async () => {
  await destination.onEvent(
    segmentEvent({
      type: 'identify',
      traits: { email: 'ada@example.com', tags: ['vip', 'beta'], custom_fields: { plan: 'pro' }, status: 'active' },
      context: { ip: '2001:db8::1', timezone: 'Europe/London' }
    }),
    settings()
  )
  expect(sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', `/v2/${DEMO_ACCOUNT_ID}/subscribers`, 200]
  ])
  expect(account().people).toEqual([
    expect.objectContaining({
      email: 'ada@example.com',
      status: 'active',
      tags: ['vip', 'beta'],
      custom_fields: { plan: 'pro' },
      ip_address: '2001:db8::1',
      time_zone: 'Europe/London'
    })
  ])
})

it('identify, batched, reaches Drip in one batch request with one result per event', async () => {
  const events = Array.from({ length: 25 }, (_, i) =>
    segmentEvent({ type: 'identify', traits: { email: `p${i}@example.com`, tags: 'batch' } })
  )
  const s = settings({ identify: { enable_batching: true } })
  ;(s.subscriptions as JSONObject[]).splice(0, 1) // the identify preset only
  const results = await destination.onBatch(events, s)
  expect(sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', `/v2/${DEMO_ACCOUNT_ID}/subscribers/batches`, 201]
  ])
  const multistatus = (results[0] as { multistatus: Array<{ status: number }> }).multistatus
  expect(multistatus.map((r) => r.status)).toEqual(Array(25).fill(201))
  expect(
    account()
      .people.map((p) => p.email)
      .sort()
  ).toEqual(events.map((e) => e.traits!.email).sort())
})

it('track, one event at a time, reaches Drip as an event', async () => {
  await destination.onEvent(
    segmentEvent({ type: 'track', event: 'Order Completed', properties: { email: 'ada@example.com', total: 10 } }),
    settings()
  )
  expect(sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', `/v2/${DEMO_ACCOUNT_ID}/events`, 204]
  ])
  expect(account().events).toEqual([
    expect.objectContaining({
      email: 'ada@example.com',
      action: 'Order Completed',
      properties: { email: 'ada@example.com', total: 10 }
    })
  ])
})

it('testAuthentication passes against the simulator and fails for a foreign account', async () => {
  await expect(
    destination.testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN })
  ).resolves.toBeUndefined()
  await expect(destination.testAuthentication({ accountId: '1000001', apiKey: DEMO_API_TOKEN })).rejects.toThrow(
    /cannot use account 1000001/
  )
})
