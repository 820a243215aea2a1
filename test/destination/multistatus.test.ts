import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject, RequestClient } from '@segment/actions-core'
import definition from '../../src'
import fc from 'fast-check'
import { restRecords, shopperActivityRecords, UNSUBSCRIBES } from '../../src/drip-api'
import type { BatchKind, RecordKind } from '../../src/drip-api'
import { sendBatch } from '../../src/sending'
import { BATCH_RETRIES } from '../../src/constants'
import {
  ACCOUNT_ID,
  API_TOKEN,
  ENCODED_KEY,
  basicUser,
  batching,
  drip,
  intercept,
  multistatusOf,
  runtime,
  runtimeSettings,
  segmentEvent,
  settings
} from '../helpers'
import { audience, orderCompleted, placed } from '../fixtures/segment-events'

// Every batch case in one place, as action-destinations keeps Klaviyo's multistatus tests: what each action sends to
// Drip's batch endpoints, and each event's own result, whether Drip took it, refused its request, or the destination
// refused it before sending. How small batches go out as single requests instead is routing.test.ts.

afterEach(() => nock.cleanAll())

const BASE = `/v2/${ACCOUNT_ID}`
const SUBSCRIBERS = `${BASE}/subscribers`
const EVENTS = `${BASE}/events`
const ORDER = `/v3/${ACCOUNT_ID}/shopper_activity/order`
const TIMESTAMP = '2026-11-20T10:15:00.000Z'
const testDestination = createTestIntegration(definition)
const trackEvent = (event: string, properties: JSONObject, extra: JSONObject = {}) =>
  createTestEvent({ type: 'track', event, properties, timestamp: TIMESTAMP, ...extra })
const track = (event: string, properties: JSONObject = {}) =>
  segmentEvent({ type: 'track', event, properties: { email: 'a+b@example.com', ...properties } })

describe("Drip's batch endpoints: one request, one result per event", () => {
  it('delivers identify calls in one batch request, one successful result per event', async () => {
    const calls = intercept('post', `${SUBSCRIBERS}/batches`, 201, {})
    const results = await runtime().onBatch(
      [
        segmentEvent({ type: 'identify', traits: { email: 'a1@example.com', tags: 'x,y' } }),
        segmentEvent({ type: 'identify', traits: { email: 'a2@example.com' }, context: { ip: '2001:db8::7' } }),
        segmentEvent({ type: 'identify', traits: { email: 'a3@example.com', status: 'active', status_updated_at: '' } })
      ],
      { ...batching('identify'), apiKey: ENCODED_KEY }
    )
    expect(calls).toHaveLength(1)
    // A pre-encoded key goes as pasted, as upstream sent it.
    expect(calls[0].headers.authorization).toBe(`Basic ${ENCODED_KEY}`)
    const subscribers = [
      { email: 'a1@example.com', initial_status: 'unsubscribed', tags: ['x', 'y'] },
      { email: 'a2@example.com', initial_status: 'unsubscribed', ip_address: '2001:db8::7' },
      { email: 'a3@example.com', initial_status: 'unsubscribed', status: 'active' }
    ]
    expect(calls[0].body).toEqual({ batches: [{ subscribers }] })
    // Identify's other preset (Segment Consent Preference Updated) answers that these events are not its own.
    expect(results).toEqual([
      { multistatus: subscribers.map((sent) => ({ status: 201, sent, body: {} })) },
      { output: 'not subscribed' }
    ])
  })

  it('identify through the test helper: user ids and tags from the default mappings, in one request', async () => {
    const calls = intercept('post', `${SUBSCRIBERS}/batches`, 201, {})
    await testDestination.testBatchAction('identify', {
      events: [
        createTestEvent({
          type: 'identify',
          userId: 'u1',
          traits: { email: 'g1@example.com', tags: 'a' },
          context: {}
        }),
        createTestEvent({
          type: 'identify',
          userId: 'u2',
          traits: { email: 'g2@example.com', sms_number: 'x' },
          context: {}
        })
      ],
      settings,
      useDefaultMappings: true
    })
    expect(calls[0].path).toBe(`${SUBSCRIBERS}/batches`)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].body).toEqual({
      batches: [
        {
          subscribers: [
            { email: 'g1@example.com', user_id: 'u1', initial_status: 'unsubscribed', tags: ['a'] },
            { email: 'g2@example.com', user_id: 'u2', initial_status: 'unsubscribed' }
          ]
        }
      ]
    })
  })

  it('delivers track calls in one batch request with their times, one result per event', async () => {
    const calls = intercept('post', `${EVENTS}/batches`, 201, {})
    const results = await runtime().onBatch(
      [
        segmentEvent({
          type: 'track',
          event: 'A',
          properties: { email: 'a@example.com' },
          timestamp: '2026-11-01T00:00:00Z'
        }),
        segmentEvent({ type: 'track', event: 'B', properties: { email: 'b@example.com', revenue: 2.5 } }),
        segmentEvent({ type: 'track', event: 'C', properties: {} })
      ],
      batching('trackEvent')
    )
    const events = [
      {
        email: 'a@example.com',
        action: 'A',
        properties: { email: 'a@example.com' },
        occurred_at: '2026-11-01T00:00:00.000Z'
      },
      {
        email: 'b@example.com',
        action: 'B',
        properties: { email: 'b@example.com', revenue: 2.5, value: 250 },
        occurred_at: TIMESTAMP
      }
    ]
    expect(calls[0].body).toEqual({ batches: [{ events }] })
    expect(results).toEqual([
      {
        multistatus: [
          { status: 201, sent: events[0], body: {} },
          { status: 201, sent: events[1], body: {} },
          expect.objectContaining({
            status: 400,
            errormessage: "The root value is missing the required field 'email'."
          })
        ]
      }
    ])
  })

  it('track through the test helper: each event with its own time, in one request', async () => {
    const calls = intercept('post', `${EVENTS}/batches`, 201, {})
    await testDestination.testBatchAction('trackEvent', {
      events: [
        trackEvent('A', { email: 'a@example.com' }, { timestamp: '2026-11-20T10:00:00Z' }),
        trackEvent('B', { email: 'b@example.com', revenue: 1 }, { timestamp: '2026-11-20T11:00:00Z' })
      ],
      settings,
      useDefaultMappings: true
    })
    expect(calls[0].path).toBe(`${EVENTS}/batches`)
    expect(calls[0].body).toEqual({
      batches: [
        {
          events: [
            {
              email: 'a@example.com',
              action: 'A',
              properties: { email: 'a@example.com' },
              occurred_at: '2026-11-20T10:00:00.000Z'
            },
            {
              email: 'b@example.com',
              action: 'B',
              properties: { email: 'b@example.com', revenue: 1, value: 100 },
              occurred_at: '2026-11-20T11:00:00.000Z'
            }
          ]
        }
      ]
    })
  })

  it('orders go to order/batch as {"orders": [...]}; an order with an unnamed item gets its own 400', async () => {
    const calls = intercept('post', `${ORDER}/batch`, 202, { request_ids: ['r1', 'r2'] })
    const settings = batching('orderActivity')
    const noName = orderCompleted({ order_id: 'o-2', products: [{ product_id: 'x', price: 1 }, { price: 2 }] })
    const results = await runtime().onBatch([orderCompleted(), noName, orderCompleted({ order_id: 'o-3' })], settings)
    expect(calls).toHaveLength(1)
    expect(calls[0].body).toEqual({ orders: [placed, { ...placed, order_id: 'o-3' }] })
    const multistatus = (results[0] as { multistatus: JSONObject[] }).multistatus
    expect(multistatus).toEqual([
      { status: 202, sent: placed, body: { request_ids: ['r1', 'r2'] } },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'Items: item 1 (index 0) has no name; Drip needs one on every order item.',
        errorreporter: 'INTEGRATIONS'
      },
      { status: 202, sent: { ...placed, order_id: 'o-3' }, body: { request_ids: ['r1', 'r2'] } }
    ])
  })

  it('tags go in one subscribers/batches request with tags and remove_tags', async () => {
    const calls = intercept('post', `${BASE}/subscribers/batches`, 201, {})
    const results = await runtime().onBatch(
      [audience('Audience Entered', 'p1@example.com'), audience('Audience Entered', 'not an email')],
      batching('updateTags')
    )
    expect(calls[0].body).toEqual({
      batches: [{ subscribers: [{ email: 'p1@example.com', tags: ['vip_customers'] }] }]
    })
    expect((results[0] as { multistatus: Array<{ status: number }> }).multistatus.map((r) => r.status)).toEqual([
      201, 400
    ])
  })

  it('global unsubscribes go to unsubscribes/batches; from one Email Series, one request per person', async () => {
    const global = intercept('post', `${BASE}/unsubscribes/batches`, 204)
    const settings = (changes: JSONObject) => batching('unsubscribe', changes)
    await runtime().onBatch(
      [track('User Unsubscribed'), track('User Unsubscribed', { email: 'c@example.com' })],
      settings({})
    )
    expect(global[0].body).toEqual({
      batches: [{ subscribers: [{ email: 'a+b@example.com' }, { email: 'c@example.com' }] }]
    })

    const one = nock('https://api.getdrip.com')
      .post(`${BASE}/subscribers/a%2Bb%40example.com/remove`)
      .query({ campaign_id: '1001' })
      .reply(200, {})
      .post(`${BASE}/subscribers/c%40example.com/remove`)
      .query({ campaign_id: '1001' })
      .reply(404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] })
    const results = await runtime().onBatch(
      [track('User Unsubscribed'), track('User Unsubscribed', { email: 'c@example.com' })],
      settings({ unsubscribe_from: 'email_series', campaign_id: '1001' })
    )
    expect(one.isDone()).toBe(true)
    expect((results[0] as { multistatus: JSONObject[] }).multistatus).toEqual([
      { status: 200, sent: { email: 'a+b@example.com', campaign_id: '1001' }, body: {} },
      expect.objectContaining({ status: 404, errortype: 'NOT_FOUND', errorreporter: 'DESTINATION' })
    ])
  })

  it('splits more than 1,000 payloads into requests of at most 1,000, each payload with its own result', async () => {
    const sizes: number[] = []
    drip()
      .post(`/v2/${ACCOUNT_ID}/events/batches`)
      .times(3 + BATCH_RETRIES)
      .reply(function (_uri, body) {
        sizes.push((body as { batches: Array<{ events: unknown[] }> }).batches[0].events.length)
        // The second request fails on every try within the call: only its payloads are marked, and they are retryable.
        return sizes.length >= 2 && sizes.length <= 2 + BATCH_RETRIES
          ? [503, '<html>Service Unavailable</html>']
          : [201, '{}', { 'Content-Type': 'application/json' }]
      })
    const events = Array.from({ length: 2500 }, (_, i) =>
      segmentEvent({ type: 'track', event: 'E', properties: { email: `p${i}@example.com` } })
    )
    const settings = runtimeSettings({}, { only: 'trackEvent', mapping: { trackEvent: { enable_batching: true } } })
    const [result] = (await runtime().onBatch(events, settings)) as Array<{
      multistatus: Array<{ status: number; errortype?: string; errormessage?: string }>
    }>
    expect(sizes).toEqual([1000, ...Array(1 + BATCH_RETRIES).fill(1000), 500])
    expect(result.multistatus).toHaveLength(2500)
    const statuses = result.multistatus.map((r) => r.status)
    expect(statuses.slice(0, 1000).every((s) => s === 201)).toBe(true)
    expect(statuses.slice(1000, 2000).every((s) => s === 503)).toBe(true)
    expect(statuses.slice(2000).every((s) => s === 201)).toBe(true)
    expect(result.multistatus[1500]).toMatchObject({
      errortype: 'RETRYABLE_ERROR',
      errormessage: 'Drip answered 503: Service Unavailable'
    })
  })
})

describe('a batch Drip refuses for one record it does not name: the record isolated within the call', () => {
  const REFUSED = { errors: [{ code: 'email_error', attribute: 'email', message: 'Email address is on a block list' }] }
  /** Drip as it behaves: any request holding `bad` is refused whole (422, not saying which record); others succeed. */
  function dripRefusing(bad: string, batchPath: string, singlePath: string, ok: [number, number]) {
    const batches: number[] = []
    const singles: string[] = []
    const records = (body: JSONObject) =>
      (Object.values((body.batches as JSONObject[] | undefined)?.[0] ?? body)[0] as JSONObject[]) ?? [body]
    drip()
      .persist()
      .post(batchPath)
      .reply(function (_uri, body) {
        const sent = records(body as JSONObject)
        batches.push(sent.length)
        return sent.some((r) => r.email === bad) ? [422, REFUSED] : [ok[0], {}]
      })
      .post(singlePath)
      .reply(function (_uri, body) {
        const [record] = (body as { subscribers?: JSONObject[] }).subscribers ?? [body as JSONObject]
        singles.push(String(record.email))
        return record.email === bad ? [422, REFUSED] : [ok[1], {}]
      })
    return { batches, singles }
  }

  it('delivers the other 999 of a refused 1,000 in the same call: halves as batches, a part of 250 alone', async () => {
    const { batches, singles } = dripRefusing('p700@example.com', `${SUBSCRIBERS}/batches`, SUBSCRIBERS, [201, 200])
    const events = Array.from({ length: 1000 }, (_, i) =>
      segmentEvent({ type: 'identify', traits: { email: `p${i}@example.com` } })
    )
    const multistatus = multistatusOf(await runtime(definition).onBatch(events, batching('identify')))
    // 1,000 refused → 500 + 500 (the second refused) → 250 + 250 (the first refused) → that 250 one by one.
    expect(batches).toEqual([1000, 500, 500, 250, 250])
    expect(singles).toHaveLength(250)
    expect(new Set(singles)).toEqual(new Set(events.slice(500, 750).map((e) => e.traits!.email as string)))
    expect(multistatus).toHaveLength(1000)
    expect(multistatus.filter((r) => r.status === 201)).toHaveLength(750)
    expect(multistatus.filter((r) => r.status === 200)).toHaveLength(249)
    expect(multistatus[700]).toEqual({
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: 'Drip refused the email: Email address is on a block list [email_error]',
      sent: { email: 'p700@example.com', initial_status: 'unsubscribed' },
      errorreporter: 'DESTINATION'
    })
  })

  it('sends a refused batch of at most 288 records one by one: orders, the refused one with its reason', async () => {
    const { batches, singles } = dripRefusing('bad@example.com', `${ORDER}/batch`, ORDER, [202, 202])
    const events = Array.from({ length: 100 }, (_, i) =>
      orderCompleted({ email: i === 42 ? 'bad@example.com' : `o${i}@example.com`, order_id: `o-${i}` })
    )
    const multistatus = multistatusOf(await runtime(definition).onBatch(events, batching('orderActivity')))
    expect(batches).toEqual([100])
    expect(singles).toHaveLength(100)
    expect(multistatus.map((r) => r.status)).toEqual(events.map((_e, i) => (i === 42 ? 400 : 202)))
    expect(multistatus[42].errormessage).toBe('Drip refused the email: Email address is on a block list [email_error]')
  })

  it("a refusal of a batch of one is that record's own, with nothing sent again", async () => {
    const { batches, singles } = dripRefusing('bad@example.com', `${EVENTS}/batches`, EVENTS, [201, 204])
    const multistatus = multistatusOf(
      await runtime().onBatch([track('E', { email: 'bad@example.com' })], batching('trackEvent'))
    )
    expect({ batches, singles }).toEqual({ batches: [1], singles: [] })
    expect(multistatus.map((r) => [r.status, r.errortype])).toEqual([[400, 'PAYLOAD_VALIDATION_FAILED']])
  })
})

describe('refused before sending: that event its own result, the rest of the batch sent', () => {
  it('refuses an email longer than 254 characters, naming Email Address, and sends the rest of the batch', async () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.com`
    const calls = intercept('post', `${EVENTS}/batches`, 201, {})
    const results = await runtime().onBatch(
      [
        segmentEvent({ type: 'track', event: 'A', properties: { email: long } }),
        segmentEvent({ type: 'track', event: 'B', properties: { email: 'ok@example.com' } })
      ],
      batching('trackEvent')
    )
    expect(multistatusOf(results)[0]).toEqual({
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: expect.stringMatching(/^Email Address: \d+ characters, longer than/),
      // Refused here, not by Drip: actions-core's reporter for integration-side refusals.
      errorreporter: 'INTEGRATIONS'
    })
    expect(multistatusOf(results)[1].status).toBe(201)
    expect((calls[0].body as { batches: Array<{ events: unknown[] }> }).batches[0].events).toHaveLength(1)
  })

  it("the destination's own failure on one payload: that payload's non-retryable 400, the rest sent", async () => {
    const sent: string[] = []
    const request = (async (_url: string, options: { body: string }) => {
      sent.push(options.body)
      return { status: 201, content: '{}' }
    }) as unknown as RequestClient
    const build = (payload: { email: string }) => {
      if (payload.email === 'boom') throw new RangeError('Maximum call stack size exceeded')
      return { record: { email: payload.email } }
    }
    const results = await sendBatch(
      request,
      { settings, payload: [{ email: 'boom' }, { email: 'fine@example.com' }] },
      { records: restRecords('subscribers'), build }
    )
    expect(results.getAllResponses().map((r) => r.value())).toEqual([
      {
        status: 400,
        errortype: 'UNKNOWN_ERROR',
        errormessage:
          'The destination could not process this event (RangeError: Maximum call stack size exceeded); it was not sent and will not be retried.'
      },
      { status: 201, sent: { email: 'fine@example.com' }, body: {} }
    ])
    expect(sent).toEqual(['{"batches":[{"subscribers":[{"email":"fine@example.com"}]}]}'])
  })

  it('a bad Account ID: every event its own 400 naming the setting, and nothing sent', async () => {
    const results = await runtime().onBatch(
      [
        segmentEvent({ type: 'identify', traits: { email: 'a1@example.com' } }),
        segmentEvent({ type: 'identify', traits: { email: 'a2@example.com' } })
      ],
      { ...batching('identify'), accountId: 'acme' }
    )
    const message = expect.stringMatching(/^The Account ID setting must be your numeric Drip account id/)
    const result = { status: 400, errortype: 'BAD_REQUEST', errormessage: message, errorreporter: 'INTEGRATIONS' }
    expect(results).toEqual([{ multistatus: [result, result] }, { output: 'not subscribed' }])
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('request bodies, serialised once per request', () => {
  // Each record used to be serialised on its own and the JSON strings joined into the body: what that gave, byte for
  // byte, is what the one JSON.stringify of the whole body must still give.
  const joined: Record<string, { one?: (json: string) => string; many: (jsons: string[]) => string }> = {
    subscribers: {
      one: (j) => `{"subscribers":[${j}]}`,
      many: (js) => `{"batches":[{"subscribers":[${js.join(',')}]}]}`
    },
    events: { one: (j) => `{"events":[${j}]}`, many: (js) => `{"batches":[{"events":[${js.join(',')}]}]}` },
    order: { one: (j) => j, many: (js) => `{"orders":[${js.join(',')}]}` },
    cart: { one: (j) => j, many: (js) => `{"carts":[${js.join(',')}]}` },
    product: { one: (j) => j, many: (js) => `{"products":[${js.join(',')}]}` },
    unsubscribes: { many: (js) => `{"batches":[{"subscribers":[${js.join(',')}]}]}` }
  }
  const kinds: Record<string, BatchKind | RecordKind> = {
    subscribers: restRecords('subscribers'),
    events: restRecords('events'),
    order: shopperActivityRecords('order'),
    cart: shopperActivityRecords('cart'),
    product: shopperActivityRecords('product'),
    unsubscribes: UNSUBSCRIBES
  }
  const record = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), {
    maxKeys: 8
  }) as fc.Arbitrary<JSONObject>

  it.each(Object.keys(kinds))('%s: byte for byte what per-record serialisation gave', (name) => {
    const kind = kinds[name]
    const before = joined[name]
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (records) => {
        const jsons = records.map((r) => JSON.stringify(r))
        expect(JSON.stringify(kind.many(records))).toBe(before.many(jsons))
        if ('one' in kind) expect(JSON.stringify(kind.one(records[0]))).toBe(before.one!(jsons[0]))
      }),
      { numRuns: 200 }
    )
  })
})
