import { readFileSync } from 'fs'
import path from 'path'
import { Destination, PayloadValidationError, transform } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { isIPv4 } from 'net'
import nock from 'nock'
import definition from '../../src'
import { emailProblem } from '../../src/records/values'
import { ACCOUNT_ID, API_TOKEN, ENCODED_KEY, TOKEN_BASIC, drip, settings } from '../helpers'
import upstream from '../fixtures/upstream-drip-presets.json'
import { upstreamEvent, upstreamPerson } from '../../tools/upstream-shape'

// An upgrade from the Drip (Actions) in segmentio/action-destinations keeps what every saved mapping writes. A
// workspace keeps the mapping it saved from upstream's fields (upstream's presets, copied as data), so under those
// mappings every event of a corpus must reach Drip exactly as upstream sent it: same keys, same values. The only
// exceptions are values Drip refuses, which upstream sent and we leave out or refuse (MIGRATION.md lists them), and
// statuses, which go in the lowercase Drip takes.

const FIXTURES = path.join(__dirname, '..', 'fixtures')

/** Events from Segment's Node library (npm run capture), and identify/track calls shaped as upstream's docs show them. */
const corpus: SegmentEvent[] = [
  ...readFileSync(path.join(FIXTURES, 'segment-library-events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SegmentEvent),
  ...[
    {
      testType: 'a',
      'Plan Name': 'Gold',
      drip_score: 5,
      'plan-name': 'x',
      planName: 'y',
      nested: { a: [1] },
      off: false
    },
    { 'Favourite Colour': 'blue', utm_source: 'ads', 'UTM Campaign': 'spring', gone: null, seats: 3 }
  ].map((custom_fields, n) => ({
    type: 'identify',
    messageId: `docs-identify-${n}`,
    timestamp: '2026-11-20T10:00:00.000Z',
    userId: `docs-${n}`,
    traits: {
      email: `docs.${n}@example.com`,
      phone: '+16125551212',
      tags: 'Customer, SEO , vip',
      status: 'active',
      status_updated_at: '2026-11-19T08:00:00.000Z',
      custom_fields
    },
    context: { ip: '203.0.113.7', timezone: 'America/Chicago' }
  })),
  {
    type: 'track',
    messageId: 'docs-track-0',
    timestamp: '2026-11-20T10:00:00.000Z',
    event: 'Viewed a Product',
    properties: { email: 'docs.0@example.com', product: 'Shoes', price: 40, value: 4000, nested: { a: 1 } },
    context: {}
  }
] as SegmentEvent[]

type Body = Record<string, unknown>
type Request = { path: string; body: Body }

/** The request upstream made for an event, or undefined where upstream's own field rules refused the event. */
function upstreamRequest(event: SegmentEvent): Request | undefined {
  const preset = upstream.presets.find((p) => p.subscribe === `type = "${event.type}"`)
  if (!preset) return undefined
  const payload = Object.fromEntries(
    Object.entries(transform(preset.mapping as unknown as JSONObject, event as unknown as JSONObject)).filter(
      ([, value]) => value !== undefined && value !== null && value !== ''
    )
  ) as Body
  // Upstream's fields: email required with format email, IP with format ipv4, Action required.
  if (typeof payload.email !== 'string' || emailProblem(payload.email, 'email')) return undefined
  if (payload.ip !== undefined && !isIPv4(String(payload.ip))) return undefined
  if (preset.partnerAction === 'identify') {
    const person = JSON.parse(JSON.stringify(upstreamPerson(payload))) as Body
    return { path: `/v2/${ACCOUNT_ID}/subscribers`, body: { subscribers: [person] } }
  }
  if (typeof payload.action !== 'string') return undefined
  return {
    path: `/v2/${ACCOUNT_ID}/events`,
    body: JSON.parse(JSON.stringify({ events: [upstreamEvent(payload)] })) as Body
  }
}

/** Settings as a workspace saved them with upstream: its two presets, as subscriptions. */
const savedSettings = {
  ...settings,
  subscriptions: upstream.presets.map(({ name, partnerAction, subscribe, mapping }) => ({
    name,
    partnerAction,
    subscribe,
    mapping
  }))
} as unknown as JSONObject

/** What our destination sends for an event under upstream's saved mappings. */
async function ourRequests(event: SegmentEvent): Promise<Request[]> {
  const sent: Request[] = []
  drip()
    .persist()
    .post(/.*/)
    .reply(200, function (uri, body) {
      sent.push({ path: uri, body: body as Body })
      return {}
    })
  await new Destination(definition).onEvent(event, savedSettings)
  nock.cleanAll()
  return sent
}

describe('an upgrade from upstream Drip (Actions): saved mappings write what they wrote', () => {
  it('sends every corpus event upstream sent exactly as upstream did, custom field keys as sent', async () => {
    const compared: string[] = []
    for (const event of corpus) {
      const expected = upstreamRequest(event)
      if (!expected) continue
      expect({ event: event.messageId, sent: await ourRequests(event) }).toEqual({
        event: event.messageId,
        sent: [expected]
      })
      compared.push(event.type)
    }
    // Every identify and track upstream sent was compared: page, group and alias have no upstream preset, and upstream
    // refused the library's emails with stray spaces (" Person.24@Example.COM ", which we trim and send).
    expect(compared.filter((type) => type === 'identify')).toHaveLength(28)
    expect(compared.filter((type) => type === 'track')).toHaveLength(90)
  })

  it('keeps custom field keys as the mapping gives them: testType, Plan Name, drip_score', async () => {
    const [request] = await ourRequests(corpus.find((e) => e.messageId === 'docs-identify-0')!)
    expect((request.body.subscribers as Body[])[0].custom_fields).toEqual({
      testType: 'a',
      'Plan Name': 'Gold',
      drip_score: '5',
      'plan-name': 'x',
      planName: 'y',
      nested: '{"a":[1]}',
      off: 'false'
    })
  })
})

/** Every request the destination makes meanwhile, with its Authorization header; Test Connection's included. */
function recording() {
  const seen: Array<{ method: string; path: string; authorization: unknown; body: unknown }> = []
  drip()
    .persist()
    .post(/.*/)
    .reply(200, function (uri, body) {
      seen.push({ method: 'POST', path: uri, authorization: this.req.headers.authorization, body })
      return {}
    })
    .get('/v2/accounts')
    .reply(200, function (uri) {
      seen.push({ method: 'GET', path: uri, authorization: this.req.headers.authorization, body: '' })
      return { accounts: [{ id: ACCOUNT_ID, name: 'Acme' }] }
    })
  return seen
}

afterEach(() => nock.cleanAll())

const identify = (n: number, traits: JSONObject = {}) =>
  ({
    type: 'identify',
    messageId: `status-${n}`,
    timestamp: '2026-11-20T10:00:00.000Z',
    traits: { email: `p${n}@example.com`, ...traits },
    context: {}
  }) as unknown as SegmentEvent

describe('an upgrade from upstream: the API Key as the workspace saved it', () => {
  // Upstream's extendRequest sent `Authorization: Basic ${settings.apiKey}`: the key as pasted (fetch trims a header
  // value's surrounding whitespace). Drip reads that value as base64 of `token:password`, so the keys that worked
  // upstream are base64 of the token, with or without the colon. Each must reach Drip in the very same header.
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  it.each([
    ['base64 of token: (the documented form)', b64(`${API_TOKEN}:`)],
    ['echo <token>: | base64, newline encoded', ENCODED_KEY],
    ['base64 of the token without the colon', b64(API_TOKEN)],
    ['base64 of the token without the colon, unpadded', b64(API_TOKEN).replace(/=+$/, '')],
    ['base64 of token: pasted with a trailing newline', `${b64(`${API_TOKEN}:`)}\n`]
  ])('%s: onEvent, onBatch and Test Connection send the header upstream sent', async (_case, apiKey) => {
    const upstreamSent = `Basic ${apiKey.trim()}`
    const seen = recording()
    const saved = { ...savedSettings, apiKey } as JSONObject
    const track = corpus.find((e) => e.messageId === 'docs-track-0')!
    await new Destination(definition).onEvent(identify(1), saved)
    await new Destination(definition).onEvent(track, saved)
    await new Destination(definition).onBatch([identify(2), identify(3)], saved)
    await new Destination(definition).testAuthentication({ accountId: ACCOUNT_ID, apiKey })
    expect(seen.map(({ method, path, authorization }) => ({ method, path, authorization }))).toEqual([
      { method: 'POST', path: `/v2/${ACCOUNT_ID}/subscribers`, authorization: upstreamSent },
      { method: 'POST', path: `/v2/${ACCOUNT_ID}/events`, authorization: upstreamSent },
      { method: 'POST', path: `/v2/${ACCOUNT_ID}/subscribers/batches`, authorization: upstreamSent },
      { method: 'GET', path: '/v2/accounts', authorization: upstreamSent }
    ])
  })

  it('the raw token, which upstream sent as it was (Drip read bytes that are no token), goes as base64(token:)', async () => {
    expect(Buffer.from(API_TOKEN, 'base64').toString('latin1')).toMatch(/[^\x20-\x7e]/)
    const seen = recording()
    await new Destination(definition).onEvent(identify(1), savedSettings)
    await new Destination(definition).testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })
    expect(seen.map((request) => request.authorization)).toEqual([TOKEN_BASIC, TOKEN_BASIC])
  })
})

describe('an upgrade from upstream: Status and Initial Status', () => {
  // Upstream had no choices on either field and passed any value to Drip. Drip's subscriber API takes active or
  // unsubscribed (its reference and OpenAPI: `enum: [active, unsubscribed]` for both); any case is read as those.
  const cases: Array<[string, JSONObject, { initial_status: string; status?: string }]> = [
    ['Status "Active"', { status: 'Active' }, { initial_status: 'unsubscribed', status: 'active' }],
    [
      'Status " UNSUBSCRIBED "',
      { status: ' UNSUBSCRIBED ' },
      { initial_status: 'unsubscribed', status: 'unsubscribed' }
    ],
    ['Initial Status "Active"', { initial_status: 'Active' }, { initial_status: 'active' }],
    [
      'both, as Drip writes them',
      { initial_status: 'active', status: 'unsubscribed' },
      { initial_status: 'active', status: 'unsubscribed' }
    ]
  ]

  it.each(cases)(
    '%s: upstream sent it as given; it reaches Drip in lowercase, through onEvent',
    async (_case, traits, statuses) => {
      const event = identify(1, traits)
      const upstreamSent = upstreamRequest(event)!
      const [upstreamPerson] = upstreamSent.body.subscribers as Body[]
      expect(upstreamPerson).toEqual({ email: 'p1@example.com', initial_status: 'unsubscribed', ...traits })
      expect(await ourRequests(event)).toEqual([
        { path: upstreamSent.path, body: { subscribers: [{ ...upstreamPerson, ...statuses }] } }
      ])
    }
  )

  it('a batch: each status as Drip takes it in one request; awaiting_confirmation gets its own 400 naming the field', async () => {
    const seen = recording()
    const results = await new Destination(definition).onBatch(
      [
        identify(1, { status: 'Active' }),
        // upstream's own identify test sent this value; Drip's reference has no such status
        identify(2, { initial_status: 'awaiting_confirmation', status: 'active' }),
        identify(3, { initial_status: 'Unsubscribed' })
      ],
      savedSettings
    )
    const subscribers = [
      { email: 'p1@example.com', initial_status: 'unsubscribed', status: 'active' },
      { email: 'p3@example.com', initial_status: 'unsubscribed' }
    ]
    expect(seen).toEqual([
      {
        method: 'POST',
        path: `/v2/${ACCOUNT_ID}/subscribers/batches`,
        authorization: TOKEN_BASIC,
        body: { batches: [{ subscribers }] }
      }
    ])
    expect(results).toEqual([
      {
        multistatus: [
          { status: 200, sent: subscribers[0], body: {} },
          {
            status: 400,
            errortype: 'PAYLOAD_VALIDATION_FAILED',
            errormessage:
              'Initial Status: "awaiting_confirmation" is not a subscription status Drip takes: it takes active or ' +
              'unsubscribed (in any case). Map Initial Status to one of them, or leave it empty.',
            errorreporter: 'INTEGRATIONS'
          },
          { status: 200, sent: subscribers[1], body: {} }
        ]
      },
      // upstream's Track event subscription
      { output: 'not subscribed' }
    ])
  })

  it('onEvent: a status Drip does not take fails the event, naming the field, and nothing is sent', async () => {
    const seen = recording()
    const error = await new Destination(definition)
      .onEvent(identify(1, { status: 'subscribed' }), savedSettings)
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect((error as Error).message).toBe(
      'Status: "subscribed" is not a subscription status Drip takes: it takes active or unsubscribed (in any case). ' +
        'Map Status to one of them, or leave it empty.'
    )
    expect(seen).toEqual([])
  })
})
