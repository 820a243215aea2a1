import { readFileSync } from 'fs'
import path from 'path'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions } from '../../tools/subscriptions'
import { Runner, type EventResult } from '../../tools/runner/run'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { useSimulator } from '../simulated'

// Events exactly as Segment's own Node library sends them (test/fixtures/segment-library-events.ndjson, made by
// `npm run capture` with @segment/analytics-node): message ids, _metadata, context.library, integrations, camelCase
// reserved traits, stray spaces in emails, several currencies. Replayed through the runner (single and batch), each
// request to Drip checked.

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'segment-library-events.ndjson')
const events = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as SegmentEvent)

const drip = useSimulator({ limits: { single: Infinity, batch: Infinity }, keepRequests: 10_000 })

async function replay(batch: boolean) {
  const results: EventResult[] = []
  const runner = new Runner({
    definition: drip.definition,
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    subscriptions: presetSubscriptions(drip.definition),
    batch,
    onResult: (result) => results.push(result)
  })
  async function* items() {
    for (const [i, event] of events.entries()) yield { position: i + 1, line: i + 1, event }
  }
  await runner.run(items())
  const sent = drip.sim.received.flatMap((r) => {
    const body = r.text ? (JSON.parse(r.text) as JSONObject) : {}
    const records = (key: string) =>
      (body[key] as JSONObject[]) ??
      ((body.batches as JSONObject[]) ?? []).flatMap((b) => (b[key] as JSONObject[]) ?? [])
    return [
      ...records('subscribers').map((record) => ({ kind: 'subscriber', record })),
      ...records('events').map((record) => ({ kind: 'event', record }))
    ]
  })
  return { results, sent }
}

describe.each([
  ['one at a time', false],
  ['in batches', true]
])('a capture of Segment’s Node library, %s', (_mode, batch) => {
  it('fills every identify’s standard fields from the spec’s trait names, and repeats none as a custom field', async () => {
    const { sent } = await replay(batch)
    const identifies = events.filter((e) => e.type === 'identify')
    const people = sent.filter((s) => s.kind === 'subscriber').map((s) => s.record)
    expect(identifies.length).toBe(30)
    for (const identify of identifies) {
      const traits = identify.traits as Record<string, string> & { address: Record<string, string> }
      const email = traits.email.trim()
      const person = people.find((p) => p.email === email)
      expect(person).toMatchObject({
        email,
        first_name: traits.firstName,
        last_name: traits.lastName,
        phone: traits.phone,
        address1: traits.address.street,
        city: traits.address.city,
        state: traits.address.state,
        zip: traits.address.postalCode,
        country: traits.address.country,
        user_id: identify.userId
      })
      const customFields = Object.keys((person?.custom_fields as JSONObject) ?? {})
      for (const standard of [
        'email',
        'firstName',
        'first_name',
        'lastName',
        'last_name',
        'name',
        'phone',
        'address'
      ]) {
        expect(customFields).not.toContain(standard)
      }
      // Other traits keep the keys they were sent with (Field Names for Other Traits: As sent, the default).
      expect(customFields).toEqual(expect.arrayContaining(['plan', 'createdAt', 'company']))
    }
  })

  it('sends conversion values in each currency’s smallest unit', async () => {
    const { sent } = await replay(batch)
    const renewals = sent.filter((s) => s.kind === 'event' && s.record.action === 'Subscription Renewed')
    const valueIn = (currency: string) =>
      renewals.find((s) => (s.record.properties as JSONObject).currency === currency)?.record.properties
    // 4800 in each: USD and EUR have cents, JPY no minor unit, KWD three decimals.
    expect((valueIn('USD') as JSONObject).value).toBe(480000)
    expect((valueIn('EUR') as JSONObject).value).toBe(480000)
    expect((valueIn('JPY') as JSONObject).value).toBe(4800)
    expect((valueIn('KWD') as JSONObject).value).toBe(4800000)
  })

  it('skips what integrations turns off, says why, and refuses or loses nothing else', async () => {
    const { results } = await replay(batch)
    const skipped = results.filter((r) => r.message?.startsWith('integrations turns off'))
    expect(skipped.map((r) => r.name).sort()).toEqual([
      'Internal Only',
      'Internal Only',
      'Internal Only',
      'Not For Drip',
      'Not For Drip',
      'Not For Drip'
    ])
    expect(results.filter((r) => r.outcome === 'rejected' || r.outcome === 'failed')).toEqual([])
  })
})
