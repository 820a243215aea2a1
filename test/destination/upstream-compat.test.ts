import { readFileSync } from 'fs'
import path from 'path'
import { Destination, transform } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { isIPv4 } from 'net'
import nock from 'nock'
import definition from '../../src'
import { emailProblem } from '../../src/records/values'
import { ACCOUNT_ID, drip, settings } from '../helpers'
import upstream from '../fixtures/upstream-drip-presets.json'
import { upstreamEvent, upstreamPerson } from '../../tools/upstream-shape'

// An upgrade from the Drip (Actions) in segmentio/action-destinations keeps what every saved mapping writes. A
// workspace keeps the mapping it saved from upstream's fields (upstream's presets, copied as data), so under those
// mappings every event of a corpus must reach Drip exactly as upstream sent it: same keys, same values. The only
// exceptions are values Drip refuses, which upstream sent and we leave out (REFUSED_BY_DRIP, in the README too).

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
