import definition from '../../src'
import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import { ACCOUNT_ID, API_TOKEN, basicUser, intercept, runtime, runtimeSettings, settings } from '../helpers'

const testDestination = createTestIntegration(definition)
const EVENTS = `/v2/${ACCOUNT_ID}/events`
const TIMESTAMP = '2026-11-20T10:15:00.000Z'

afterEach(() => nock.cleanAll())

const trackEvent = (event: string, properties: JSONObject, extra: JSONObject = {}) =>
  createTestEvent({ type: 'track', event, properties, timestamp: TIMESTAMP, ...extra })

async function eventFor(event: ReturnType<typeof trackEvent>, mapping?: JSONObject) {
  const calls = intercept('post', EVENTS, 204)
  await testDestination.testAction('trackEvent', {
    event,
    settings,
    ...(mapping ? { mapping } : { useDefaultMappings: true })
  })
  expect(calls).toHaveLength(1)
  return { calls, body: calls[0].body }
}

describe('trackEvent', () => {
  it('records one event with its time from the default mapping', async () => {
    const { calls, body } = await eventFor(
      trackEvent('Signed Up', { email: 'ada@example.com', plan: 'pro' }, { timestamp: '2026-11-20T11:15:00+01:00' })
    )
    expect(calls[0].path).toBe(EVENTS)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].headers['content-type']).toBe('application/json')
    expect(body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Signed Up',
          properties: { email: 'ada@example.com', plan: 'pro' },
          occurred_at: '2026-11-20T10:15:00.000Z'
        }
      ]
    })
  })

  it('sends revenue as the conversion value in cents, keeping the other properties', async () => {
    const { body } = await eventFor(
      trackEvent('Order Completed', { email: 'ada@example.com', order_id: 'o-1', revenue: 12.34, currency: 'USD' })
    )
    expect(body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Order Completed',
          properties: { email: 'ada@example.com', order_id: 'o-1', revenue: 12.34, currency: 'USD', value: 1234 },
          occurred_at: TIMESTAMP
        }
      ]
    })
  })

  it.each([
    [19.999, 2000],
    [0.1 + 0.2, 30],
    [-5, -500],
    ['7.5', 750]
  ])('rounds revenue %p to %p cents', async (revenue, value) => {
    const { body } = await eventFor(trackEvent('Paid', { email: 'a@example.com', revenue }))
    expect((body as { events: Array<{ properties: { value: number } }> }).events[0].properties.value).toBe(value)
  })

  it('leaves out a conversion value Drip cannot store, with a note naming the field, and still sends the event', async () => {
    const calls = intercept('post', EVENTS, 204)
    const results = await runtime().onEvent(
      trackEvent('Paid', { email: 'a@example.com', revenue: 30000000 }),
      runtimeSettings({}, { only: 'trackEvent' })
    )
    expect((calls[0].body as { events: JSONObject[] }).events[0].properties).toEqual({
      email: 'a@example.com',
      revenue: 30000000
    })
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }
    expect(executed.data.notes).toEqual([
      "Conversion Value left out: 30000000 is beyond what Drip stores (below 2,147,483,647 in the currency's smallest unit)."
    ])
  })

  it("falls back to the email in context.traits when properties don't carry one", async () => {
    const { body } = await eventFor(trackEvent('Logged In', {}, { context: { traits: { email: 'bo@example.com' } } }))
    expect(body).toEqual({
      events: [{ email: 'bo@example.com', action: 'Logged In', properties: {}, occurred_at: TIMESTAMP }]
    })
  })

  it('follows a custom mapping, with prospect', async () => {
    const { body } = await eventFor(trackEvent('x', { who: 'cy@example.com', amount: 5 }, { userId: 'u-1' }), {
      action: 'Signed up (Segment)',
      email: { '@path': '$.properties.who' },
      properties: { user: { '@path': '$.userId' } },
      value: { '@path': '$.properties.amount' },
      occurred_at: '2026-01-01T00:00:00Z',
      prospect: false
    })
    expect(body).toEqual({
      events: [
        {
          email: 'cy@example.com',
          action: 'Signed up (Segment)',
          properties: { user: 'u-1', value: 500 },
          occurred_at: '2026-01-01T00:00:00.000Z',
          prospect: false
        }
      ]
    })
  })

  it('rejects an event without an email, naming the field, before sending', async () => {
    await expect(
      testDestination.testAction('trackEvent', {
        event: trackEvent('x', {}, { context: { traits: {} } }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow("The root value is missing the required field 'email'.")
  })

  it('rejects a blank action name, naming the field', async () => {
    await expect(
      testDestination.testAction('trackEvent', {
        event: trackEvent('   ', { email: 'dd@example.com' }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow(/Action: the event name is empty/)
  })
})
