import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { segmentEvent } from '../helpers'
import { useSimulator } from '../simulated'

// The whole path as it runs in production, with Drip simulated: Segment's runtime → the destination → real HTTP over
// loopback → a Drip that validates every body against Drip's own OpenAPI description.

const drip = useSimulator()
const account = () => drip.sim.state().accounts[0]

it('identify, one event at a time, reaches Drip as a person', async () => {
  await drip.destination.onEvent(
    segmentEvent({
      type: 'identify',
      traits: { email: 'ada@example.com', tags: ['vip', 'beta'], custom_fields: { plan: 'pro' }, status: 'active' },
      context: { ip: '2001:db8::1', timezone: 'Europe/London' }
    }),
    drip.settings()
  )
  expect(drip.sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
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
  const s = drip.settings({ only: 'identify', mapping: { identify: { enable_batching: true } } })
  const results = await drip.destination.onBatch(events, s)
  expect(drip.sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
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
  await drip.destination.onEvent(
    segmentEvent({ type: 'track', event: 'Signed Up', properties: { email: 'ada@example.com', total: 10 } }),
    drip.settings()
  )
  expect(drip.sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', `/v2/${DEMO_ACCOUNT_ID}/events`, 204]
  ])
  expect(account().events).toEqual([
    expect.objectContaining({
      email: 'ada@example.com',
      action: 'Signed Up',
      properties: { email: 'ada@example.com', total: 10 }
    })
  ])
})

it('testAuthentication passes against the simulator and fails for a foreign account', async () => {
  await expect(
    drip.destination.testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN })
  ).resolves.toBeUndefined()
  await expect(drip.destination.testAuthentication({ accountId: '1000001', apiKey: DEMO_API_TOKEN })).rejects.toThrow(
    /cannot use account 1000001/
  )
})

it('every API key form that worked upstream authenticates with the simulated Drip, which reads Basic as Drip does', async () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  const forms = [b64(`${DEMO_API_TOKEN}:`), b64(`${DEMO_API_TOKEN}:\n`), b64(DEMO_API_TOKEN), DEMO_API_TOKEN]
  for (const apiKey of forms) {
    await expect(drip.destination.testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey })).resolves.toBeUndefined()
  }
  await expect(
    drip.destination.testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey: b64('not-the-token:') })
  ).rejects.toThrow(/Drip rejected the API key/)
})

it("an order placed then refunded reaches Drip's Shopper Activity API and moves the person's lifetime value", async () => {
  const order = (event: string, total: number) =>
    segmentEvent({
      type: 'track',
      event,
      properties: { order_id: 'o-77', total, currency: 'EUR', products: [{ product_id: 'p', name: 'Pen', price: 4 }] },
      context: { traits: { email: 'shopper@example.com' } }
    })
  await drip.destination.onEvent(order('Order Completed', 40), drip.settings())
  await drip.destination.onEvent(order('Order Refunded', 15), drip.settings())
  expect(drip.sim.received.map((r) => [r.method, r.path, r.status])).toEqual([
    ['POST', `/v3/${DEMO_ACCOUNT_ID}/shopper_activity/order`, 202],
    ['POST', `/v3/${DEMO_ACCOUNT_ID}/shopper_activity/order`, 202]
  ])
  const shopper = account().people.find((p) => p.email === 'shopper@example.com')
  expect(shopper).toMatchObject({ status: 'unsubscribed', lifetime_value: 2500 })
  expect(account().events.map((e) => e.action)).toEqual(['Placed an order', 'Refunded an order'])
})
