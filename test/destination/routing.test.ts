import nock from 'nock'
import { Destination } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { SMALL_BATCH } from '../../src/constants'
import { ACCOUNT_ID, drip, intercept, runtimeSettings, segmentEvent } from '../helpers'

// The default export as Segment runs it: a batch too small to be worth one of Drip's 50 batch requests an hour goes
// out as single requests (at most a few at once, one at a time per person); a larger one to the batch endpoint.
// Every event keeps its own result either way, and Drip's X-RateLimit-Remaining rides along.

// The real threshold, not the tests' (see setup.ts).
jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))

afterEach(() => nock.cleanAll())

const destination = new Destination(definition)
const batching = (action: string) =>
  runtimeSettings({}, { only: action, mapping: { [action]: { enable_batching: true } } })
const identify = (i: number, email = `p${i}@example.com`) => segmentEvent({ type: 'identify', traits: { email } })
type Multistatus = Array<{ status: number; body?: JSONObject; errormessage?: string; errortype?: string }>

it('derives the threshold from the two budgets: a batch request is worth 3,600 / 50 = 72 single ones', () => {
  expect(SMALL_BATCH).toBe(72)
})

it(`sends a batch of ${SMALL_BATCH - 1} as single requests, each event with its own result and the budget left`, async () => {
  const calls = intercept(
    'post',
    `/v2/${ACCOUNT_ID}/subscribers`,
    200,
    { subscribers: [{ id: 'x' }] },
    SMALL_BATCH - 1,
    {
      'Content-Type': 'application/json',
      'X-RateLimit-Remaining': '3500'
    }
  )
  const events = Array.from({ length: SMALL_BATCH - 1 }, (_, i) => identify(i))
  const [result] = (await destination.onBatch(events, batching('identify'))) as Array<{ multistatus: Multistatus }>
  expect(calls).toHaveLength(SMALL_BATCH - 1)
  expect(calls.map((c) => (c.body as { subscribers: JSONObject[] }).subscribers[0].email).sort()).toEqual(
    events.map((e) => e.traits!.email).sort()
  )
  expect(result.multistatus).toHaveLength(SMALL_BATCH - 1)
  expect(result.multistatus[0]).toEqual({
    status: 200,
    sent: { email: 'p0@example.com', initial_status: 'unsubscribed' },
    body: { subscribers: [{ id: 'x' }], rate_limit_remaining: 3500 }
  })
})

it(`sends a batch of ${SMALL_BATCH} to the batch endpoint in one request`, async () => {
  const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers/batches`, 201, {}, 1, {
    'Content-Type': 'application/json',
    'X-RateLimit-Remaining': '49'
  })
  const events = Array.from({ length: SMALL_BATCH }, (_, i) => identify(i))
  const [result] = (await destination.onBatch(events, batching('identify'))) as Array<{ multistatus: Multistatus }>
  expect(calls).toHaveLength(1)
  expect((calls[0].body as { batches: Array<{ subscribers: unknown[] }> }).batches[0].subscribers).toHaveLength(72)
  expect(result.multistatus.map((r) => r.status)).toEqual(Array(72).fill(201))
  expect(result.multistatus[0].body).toEqual({ rate_limit_remaining: 49 })
})

it('never has two requests for the same person in flight, and at most a few at once', async () => {
  let inFlight = 0
  let most = 0
  const busy = new Set<string>()
  const overlaps: string[] = []
  drip()
    .post(`/v2/${ACCOUNT_ID}/events`)
    .times(9)
    .delay(20)
    .reply(function (_uri, body) {
      const email = (body as { events: Array<{ email: string }> }).events[0].email
      if (busy.has(email)) overlaps.push(email)
      busy.add(email)
      inFlight++
      most = Math.max(most, inFlight)
      return new Promise((resolve) =>
        setTimeout(() => {
          busy.delete(email)
          inFlight--
          resolve([204, ''])
        }, 20)
      ) as never
    })
  const events = Array.from({ length: 9 }, (_, i) =>
    segmentEvent({
      type: 'track',
      event: `E${i}`,
      properties: { email: i % 3 ? 'same@example.com' : `o${i}@example.com` }
    })
  )
  const [result] = (await destination.onBatch(events, batching('trackEvent'))) as Array<{ multistatus: Multistatus }>
  expect(result.multistatus.map((r) => r.status)).toEqual(Array(9).fill(204))
  expect(overlaps).toEqual([])
  expect(most).toBeGreaterThan(1)
  expect(most).toBeLessThanOrEqual(4)
})

it("keeps a 429 on one single request that event's own, retryable, with Drip's message", async () => {
  drip()
    .post(`/v2/${ACCOUNT_ID}/subscribers`)
    .reply(200, { subscribers: [{}] })
    .post(`/v2/${ACCOUNT_ID}/subscribers`)
    .reply(429, { message: 'API rate limit exceeded. Please try again in an hour.' })
  const [result] = (await destination.onBatch([identify(1), identify(1)], batching('identify'))) as Array<{
    multistatus: Multistatus
  }>
  expect(result.multistatus.map((r) => [r.status, r.errortype])).toEqual([
    [200, undefined],
    [429, 'RETRYABLE_ERROR']
  ])
  expect(result.multistatus[1].errormessage).toBe(
    "Drip's hourly rate limit for this account was reached (429: API rate limit exceeded. Please try again in an hour.)"
  )
})

it('routes small batches of tags and unsubscribes to their single calls', async () => {
  const tags = intercept('post', `/v2/${ACCOUNT_ID}/tags`, 201, {})
  await destination.onBatch(
    [
      segmentEvent({
        type: 'track',
        event: 'Audience Entered',
        context: { traits: { email: 't@example.com' }, personas: { computation_key: 'vip' } }
      })
    ],
    batching('updateTags')
  )
  expect(tags[0].body).toEqual({ tags: [{ email: 't@example.com', tag: 'vip' }] })
  const unsubscribed = intercept('post', `/v2/${ACCOUNT_ID}/subscribers/u%40example.com/unsubscribe_all`, 200, {})
  await destination.onBatch(
    [segmentEvent({ type: 'track', event: 'User Unsubscribed', properties: { email: 'u@example.com' } })],
    batching('unsubscribe')
  )
  expect(unsubscribed).toHaveLength(1)
})

it("passes Drip's X-RateLimit-Remaining on in a single event's result", async () => {
  intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] }, 1, {
    'Content-Type': 'application/json',
    'X-RateLimit-Remaining': '17'
  })
  const results = await destination.onEvent(identify(1), runtimeSettings({}, { only: 'identify' }))
  const executed = results.find((r) => r.output === 'Action Executed') as { data: JSONObject }
  expect(executed.data.rate_limit_remaining).toBe(17)
})
