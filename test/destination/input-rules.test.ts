import nock from 'nock'
import { spawnSync } from 'child_process'
import path from 'path'
import { InvalidAuthenticationError, PayloadValidationError } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import { isoDate } from '../../src/records/values'
import { ACCOUNT_ID, batching, intercept, multistatusOf, runtime, runtimeSettings, segmentEvent } from '../helpers'

// What the destination does with values and settings it cannot send as they are, through the runtime as Segment
// drives it: impossible dates, blank keys, overlong emails, integers Drip cannot store, and its own failures.

afterEach(() => nock.cleanAll())

const SUBSCRIBERS = `/v2/${ACCOUNT_ID}/subscribers`
const EVENTS = `/v2/${ACCOUNT_ID}/events`

describe('dates: a real instant, or left out with a note; never rolled into another date', () => {
  it.each([
    ['an impossible day', '2026-02-30T00:00:00.000Z', undefined],
    ['zeros', '0000-00-00', undefined],
    ['hour 24', '2026-11-20T24:00:00Z', undefined],
    ['a year before 1900', '1850-01-01T00:00:00Z', undefined],
    ['words', 'next tuesday', undefined],
    ['epoch seconds as a string', '1700000000', '2023-11-14T22:13:20.000Z'],
    ['epoch seconds', 1700000000, '2023-11-14T22:13:20.000Z'],
    ['epoch milliseconds', 1700000000123, '2023-11-14T22:13:20.123Z'],
    ['an epoch too small to be either (a date as digits)', 20261120, undefined],
    ['ISO with an offset', '2026-11-20T09:00:00+01:00', '2026-11-20T08:00:00.000Z'],
    ['ISO without a zone (read as UTC)', '2026-11-20 09:00', '2026-11-20T09:00:00.000Z'],
    ['a date alone', '2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['RFC 2822', 'Fri, 20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['canonical UTC (kept as it is)', '2026-11-20T10:15:00.000Z', '2026-11-20T10:15:00.000Z']
  ])('%s: %p → %p', (_case, value, expected) => {
    const notes: string[] = []
    expect(isoDate(value, 'Event Time', notes)).toBe(expected)
    expect(notes).toEqual(expected ? [] : [expect.stringMatching(/^Event Time left out: .* is not a real date/)])
  })

  it('leaves an impossible Status Updated At out of the person, with a note in the result', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
    const results = await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        traits: { email: 'd@example.com', status_updated_at: '2026-02-30T00:00:00.000Z' }
      }),
      runtimeSettings({}, { only: 'identify' })
    )
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'd@example.com', initial_status: 'unsubscribed' }] })
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }
    expect(executed.data.notes).toEqual([
      'Status Updated At left out: "2026-02-30T00:00:00.000Z" is not a real date and time between 1900 and 2099 ' +
        '(ISO-8601, RFC 2822, or epoch seconds or milliseconds after 2000).'
    ])
  })

  it('reads epoch seconds in Status Updated At as seconds', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
    await runtime().onEvent(
      segmentEvent({ type: 'identify', traits: { email: 'd@example.com', status_updated_at: 1700000000 } }),
      runtimeSettings({}, { only: 'identify' })
    )
    expect((calls[0].body as { subscribers: JSONObject[] }).subscribers[0].status_updated_at).toBe(
      '2023-11-14T22:13:20.000Z'
    )
  })

  it('treats an empty Event Time the same in onEvent and onBatch: the event goes without occurred_at', async () => {
    const mapping = { trackEvent: { occurred_at: { '@path': '$.properties.when' } } }
    const event = segmentEvent({ type: 'track', event: 'Went', properties: { email: 'e@example.com', when: '' } })
    const single = intercept('post', EVENTS, 204)
    await runtime().onEvent(event, runtimeSettings({}, { only: 'trackEvent', mapping }))
    const batch = intercept('post', `${EVENTS}/batches`, 201, {})
    const results = await runtime().onBatch(
      [event],
      runtimeSettings(
        {},
        { only: 'trackEvent', mapping: { trackEvent: { ...mapping.trackEvent, enable_batching: true } } }
      )
    )
    const sent = { email: 'e@example.com', action: 'Went', properties: { email: 'e@example.com', when: '' } }
    expect(single[0].body).toEqual({ events: [sent] })
    expect(batch[0].body).toEqual({ batches: [{ events: [sent] }] })
    expect(multistatusOf(results).map((r) => r.status)).toEqual([201])
  })
})

describe('settings', () => {
  it.each(['', '   '])('refuses an API key of %p before sending anything, naming the setting', async (apiKey) => {
    const event = segmentEvent({ type: 'identify', traits: { email: 'k@example.com' } })
    const error = await runtime()
      .onEvent(event, runtimeSettings({ apiKey }, { only: 'identify' }))
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect((error as Error).message).toBe(
      "The API Key setting is empty: paste the API token from Drip's User Settings."
    )

    const results = await runtime().onBatch([event, event], { ...batching('identify'), apiKey })
    expect(multistatusOf(results)).toEqual(
      Array(2).fill({
        status: 401,
        errortype: 'INVALID_AUTHENTICATION',
        errormessage: "The API Key setting is empty: paste the API token from Drip's User Settings.",
        errorreporter: 'INTEGRATIONS'
      })
    )
    await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey })).rejects.toThrow(
      /API Key setting is empty/
    )
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('emails and integers Drip cannot take', () => {
  const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example.com`

  it('refuses an email longer than 254 characters, naming Email Address', async () => {
    expect(long.length).toBeGreaterThan(254)
    const error = await runtime()
      .onEvent(segmentEvent({ type: 'identify', traits: { email: long } }), runtimeSettings({}, { only: 'identify' }))
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect((error as Error).message).toBe(
      `Email Address: ${long.length} characters, longer than an email address can be (254, RFC 5321); Drip refuses it.`
    )
  })

  it('leaves out a lifetime value or lead score beyond 32-bit integers, with notes, and sends the person', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
    const results = await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        traits: { email: 'n@example.com', lifetime_value: 1e12, base_lead_score: 3_000_000_000 }
      }),
      runtimeSettings({}, { only: 'identify' })
    )
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'n@example.com', initial_status: 'unsubscribed' }] })
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }
    expect(executed.data.notes).toEqual([
      "Lifetime Value (in the currency's smallest unit) left out: 100000000000000 is beyond the integers Drip stores (up to 2147483647).",
      'Base Lead Score left out: 3000000000 is beyond the integers Drip stores (up to 2147483647).'
    ])
  })
})

describe("the destination's own failures", () => {
  it('a deeply nested event in a warm process: its own 400, the normal event delivered (or the runtime throws first)', () => {
    // Run where the stack is a plain Node process's, as in Segment's runtime, not jest's.
    const child = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'fixtures', 'deep-batch.ts')],
      { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' }
    )
    expect(child.stderr).toBe('')
    const outcomes = JSON.parse(child.stdout) as Array<{ depth: number; thrown?: string; statuses?: number[] }>
    // Where the runtime's own recursion gives up first depends on the stack: then it throws (the README says so).
    // Wherever the batch reaches the destination, the deep event fails alone and never as a retryable 5xx.
    expect(outcomes.length).toBeGreaterThan(0)
    for (const outcome of outcomes) {
      if (outcome.thrown) expect(outcome.thrown).toMatch(/Maximum call stack/)
      else expect(outcome.statuses![1]).toBe(201)
      if (outcome.statuses?.[0] !== 201 && !outcome.thrown) expect(outcome.statuses![0]).toBe(400)
    }
  })
})
