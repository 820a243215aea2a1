import nock from 'nock'
import { defaultValues } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, API_TOKEN, basicUser, intercept, multistatusOf, runtime, settings, segmentEvent } from '../helpers'
import type { Captured } from '../helpers'

// Drip as an audience destination: connecting an audience gives it a tag (createAudience / getAudience), and Sync
// Audience keeps that tag on exactly the audience's people, from the events Engage, Journeys and Linked Audiences
// send and from warehouse rows, through the runtime's own entry points. Exact requests.

afterEach(() => nock.cleanAll())

const base = `/v2/${ACCOUNT_ID}`
const syncAudience = definition.actions.syncAudience

/** Runtime settings with one subscription to Sync Audience: its default trigger and mapping, `changes` over them. */
const subscribed = (changes: JSONObject = {}, subscribe = syncAudience.defaultSubscription as string) =>
  ({
    ...settings,
    subscriptions: [
      { partnerAction: 'syncAudience', subscribe, mapping: { ...defaultValues(syncAudience.fields), ...changes } }
    ]
  }) as unknown as JSONObject

/** What Engage puts in context.personas for an audience (or journey step) connected to Drip. */
const personas = (key: string, extra: JSONObject = {}) => ({
  computation_class: 'audience',
  computation_key: key,
  computation_id: `aud_${key}`,
  namespace: 'spa_1',
  space_id: 'spa_1',
  ...extra
})

/** A track-shaped audience event: Audience Entered or Exited, its membership at the audience's key. */
const trackShaped = (member: boolean, email: string, persona: JSONObject, event?: string) =>
  segmentEvent({
    type: 'track',
    event: event ?? (member ? 'Audience Entered' : 'Audience Exited'),
    properties: { audience_key: persona.computation_key, [persona.computation_key as string]: member },
    context: { traits: { email }, personas: persona }
  })

/** An identify-shaped audience event: the membership is a trait at the audience's key. */
const identifyShaped = (member: boolean, email: string, persona: JSONObject, traits: JSONObject = {}) =>
  segmentEvent({
    type: 'identify',
    userId: 'u-1',
    traits: { email, [persona.computation_key as string]: member, ...traits },
    context: { personas: persona }
  })

/** Answers and records every `DELETE path`. */
function deleted(path: string): Captured[] {
  const calls: Captured[] = []
  nock('https://api.getdrip.com')
    .delete(path)
    .reply(function (uri) {
      calls.push({ method: 'DELETE', path: uri, headers: this.req.headers, body: undefined })
      return [204, '']
    })
  return calls
}

const executed = (results: unknown[]) =>
  (results as Array<{ output?: string; data?: JSONObject }>).find((r) => r.output === 'Action Executed')?.data

describe('an audience connected to Drip gets its tag (createAudience, getAudience)', () => {
  const connect = (audienceSettings: JSONObject = {}) =>
    runtime().createAudience({
      settings,
      audienceName: 'VIP Customers',
      personas: { computation_key: 'vip_customers', computation_id: 'aud_1', namespace: 'spa_1' },
      audienceSettings
    })

  it("takes the audience's key as the tag, having checked the key and account with Drip", async () => {
    const seen = intercept('get', `${base}/tags`, 200, { tags: ['Customer'] })
    await expect(connect()).resolves.toEqual({ externalId: 'vip_customers' })
    expect(seen.map((call) => [call.method, call.path])).toEqual([['GET', `${base}/tags`]])
    expect(basicUser(seen[0].headers.authorization)).toBe(API_TOKEN)
  })

  it('takes the Drip Tag the admin set instead', async () => {
    intercept('get', `${base}/tags`, 200, { tags: [] })
    await expect(connect({ tag: ' VIP (Engage) ' })).resolves.toEqual({ externalId: 'VIP (Engage)' })
  })

  it('refuses a Drip Tag that would be two tags, naming the setting, before asking Drip anything', async () => {
    const seen = intercept('get', `${base}/tags`, 200, { tags: [] })
    await expect(connect({ tag: 'vip,gold' })).rejects.toThrow(
      'Drip Tag (audience setting): "vip,gold" holds a comma, which Drip would read as two tags. Set Drip Tag in ' +
        "the audience's settings for Drip to the tag that should stand for this audience."
    )
    expect(seen).toEqual([])
  })

  it("refuses an audience's key that cannot be a tag, saying to set Drip Tag", async () => {
    const error = await runtime()
      .createAudience({
        settings,
        audienceName: 'x',
        personas: { computation_key: 'a/b', computation_id: 'aud_2', namespace: 'spa_1' }
      })
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(/^The audience's tag \(Drip Tag is empty\): "a\/b" cannot be sent/)
    expect((error as Error).message).toMatch(/Set Drip Tag in the audience's settings/)
  })

  it("fails with Drip's refusal of the key when the audience is connected", async () => {
    intercept('get', `${base}/tags`, 401, { errors: [{ code: 'authentication_error', message: 'Unauthorized' }] })
    await expect(connect()).rejects.toThrow('Drip rejected the API key (401: Unauthorized). Check the API Key setting.')
  })

  it('getAudience checks the tag it was given, or the Drip Tag set since', async () => {
    intercept('get', `${base}/tags`, 200, { tags: ['vip_customers'] }, 2)
    await expect(runtime().getAudience({ settings, externalId: 'vip_customers' })).resolves.toEqual({
      externalId: 'vip_customers'
    })
    await expect(
      runtime().getAudience({ settings, externalId: 'vip_customers', audienceSettings: { tag: 'VIP' } })
    ).resolves.toEqual({ externalId: 'VIP' })
    await expect(
      runtime().getAudience({ settings, externalId: 'x', audienceSettings: { tag: 'a?b' } })
    ).rejects.toThrow(/^Drip Tag \(audience setting\): "a\?b" cannot be sent to Drip: it contains "\?"/)
  })
})

describe('entering adds the tag and exiting removes it (onEvent)', () => {
  const connected = personas('vip_customers', { external_audience_id: 'vip_customers', audience_settings: {} })

  it.each([
    ['a track-shaped Engage audience', (member: boolean) => trackShaped(member, 'ada@example.com', connected)],
    ['an identify-shaped Engage audience', (member: boolean) => identifyShaped(member, 'ada@example.com', connected)]
  ])('%s', async (_shape, event) => {
    const added = intercept('post', `${base}/tags`, 201, {})
    const results = await runtime().onEvent(event(true), subscribed())
    expect(added.map((call) => call.body)).toEqual([{ tags: [{ email: 'ada@example.com', tag: 'vip_customers' }] }])
    expect(executed(results)).toEqual({
      status: 201,
      sent: { email: 'ada@example.com', tags: ['vip_customers'] },
      body: {}
    })

    const removed = deleted(`${base}/subscribers/ada%40example.com/tags/vip_customers`)
    await runtime().onEvent(event(false), subscribed())
    expect(removed.map((call) => call.path)).toEqual([`${base}/subscribers/ada%40example.com/tags/vip_customers`])
  })

  it("uses the audience's Drip Tag setting when Engage carries it", async () => {
    const added = intercept('post', `${base}/tags`, 201, {})
    const tagged = personas('vip_customers', {
      external_audience_id: 'VIP',
      audience_settings: { tag: 'VIP (Engage)' }
    })
    await runtime().onEvent(trackShaped(true, 'ada@example.com', tagged), subscribed())
    expect(added[0].body).toEqual({ tags: [{ email: 'ada@example.com', tag: 'VIP (Engage)' }] })
  })

  it("an Engage audience not connected as an audience destination is tagged with the audience's key", async () => {
    const added = intercept('post', `${base}/tags`, 201, {})
    await runtime().onEvent(trackShaped(true, 'ada@example.com', personas('big_spenders')), subscribed())
    expect(added[0].body).toEqual({ tags: [{ email: 'ada@example.com', tag: 'big_spenders' }] })
  })

  it('a Journeys step: entering the step adds its tag, leaving it removes it', async () => {
    const step = personas('j_o_welcome__step_2', { computation_class: 'journey_step' })
    const added = intercept('post', `${base}/tags`, 201, {})
    await runtime().onEvent(trackShaped(true, 'ada@example.com', step), subscribed())
    expect(added[0].body).toEqual({ tags: [{ email: 'ada@example.com', tag: 'j_o_welcome__step_2' }] })
    const removed = deleted(`${base}/subscribers/ada%40example.com/tags/j_o_welcome__step_2`)
    await runtime().onEvent(trackShaped(false, 'ada@example.com', step), subscribed())
    expect(removed).toHaveLength(1)
  })

  it('a classic Journeys step, which carries no true/false: an entry, its tag added', async () => {
    const step = personas('j_o_onboarding__step_1', { computation_class: 'journey_step' })
    const event = segmentEvent({
      type: 'track',
      event: 'Audience Entered',
      properties: { audience_key: 'j_o_onboarding__step_1' },
      context: { traits: { email: 'ada@example.com' }, personas: step }
    })
    const added = intercept('post', `${base}/tags`, 201, {})
    await runtime().onEvent(event, subscribed())
    expect(added.map((call) => call.body)).toEqual([
      { tags: [{ email: 'ada@example.com', tag: 'j_o_onboarding__step_1' }] }
    ])
  })

  it('a Linked Audience through its preset (specificEvent): entered, exited, and membership changed', async () => {
    const presets = (definition.presets ?? []).filter((p) => p.partnerAction === 'syncAudience')
    expect(presets.map((p) => [p.name, p.type === 'specificEvent' ? p.eventSlug : p.type])).toEqual([
      ['Journeys Step Entered', 'journeys_step_entered_track'],
      ['Linked Audience Entered', 'warehouse_audience_entered_track'],
      ['Linked Audience Exited', 'warehouse_audience_exited_track'],
      ['Linked Audience Membership Changed', 'warehouse_audience_membership_changed_identify']
    ])
    // Segment routes these events by their kind; any trigger that matches them stands in for that here.
    const mapping = presets[1].mapping as JSONObject
    const linked = personas('la_high_ltv', { external_audience_id: 'la_high_ltv', event_emitter_id: 'ee_1' })
    const entered = trackShaped(true, 'ada@example.com', linked)
    entered.properties = { ...entered.properties, data_graph_entity_context: { accounts: [{ id: 'acc_1' }] } }
    const added = intercept('post', `${base}/tags`, 201, {}, 2)
    await runtime().onEvent(entered, subscribed(mapping, 'type = "track" or type = "identify"'))
    await runtime().onEvent(
      identifyShaped(true, 'bo@example.com', linked),
      subscribed(mapping, 'type = "track" or type = "identify"')
    )
    expect(added.map((call) => call.body)).toEqual([
      { tags: [{ email: 'ada@example.com', tag: 'la_high_ltv' }] },
      { tags: [{ email: 'bo@example.com', tag: 'la_high_ltv' }] }
    ])
    const removed = deleted(`${base}/subscribers/ada%40example.com/tags/la_high_ltv`)
    await runtime().onEvent(trackShaped(false, 'ada@example.com', linked), subscribed(mapping, 'type = "track"'))
    expect(removed).toHaveLength(1)
  })

  it('a warehouse model (Reverse ETL, mirror): new rows add the tag saved with the mapping, deleted rows remove it', async () => {
    const mapping = {
      email: { '@path': '$.properties.email' },
      __segment_internal_sync_mode: 'mirror',
      retlOnMappingSave: { inputs: { tag: 'trial-step-3' }, outputs: { tag: 'trial-step-3' } }
    }
    const row = (event: string) => segmentEvent({ type: 'track', event, properties: { email: 'ada@example.com' } })
    const added = intercept('post', `${base}/tags`, 201, {})
    await runtime().onEvent(row('new'), subscribed(mapping, 'type = "track"'))
    expect(added[0].body).toEqual({ tags: [{ email: 'ada@example.com', tag: 'trial-step-3' }] })
    const removed = deleted(`${base}/subscribers/ada%40example.com/tags/trial-step-3`)
    await runtime().onEvent(row('deleted'), subscribed(mapping, 'type = "track"'))
    expect(removed).toHaveLength(1)
  })

  it('an event that says nothing of membership is refused, saying where the membership is read', async () => {
    const error = await runtime()
      .onEvent(
        segmentEvent({ type: 'track', event: 'Audience Entered', properties: { email: 'ada@example.com' } }),
        subscribed({}, 'type = "track"')
      )
      .catch((e: Error) => e)
    expect((error as Error).message).toBe(
      'This event says neither that the person entered the audience nor that they left it. Sync Audience reads it ' +
        "where Engage, Journeys and Linked Audiences put it: the audience's key (context.personas.computation_key) " +
        'in the properties (track) or traits (identify), true or false. For a warehouse model (Reverse ETL), pick a ' +
        'sync mode.'
    )
  })
})

describe('in a batch (onBatch): one subscriber batch, each event its own result', () => {
  it('adds and removes for track- and identify-shaped events together, refusing one without an email alone', async () => {
    const persona = personas('vip_customers', { external_audience_id: 'vip_customers' })
    const events: SegmentEvent[] = [
      trackShaped(true, 'ada@example.com', persona),
      identifyShaped(false, 'bo@example.com', persona),
      trackShaped(true, '', { ...persona }),
      identifyShaped(true, 'cy@example.com', persona)
    ]
    const batches = intercept('post', `${base}/subscribers/batches`, 201, {})
    const results = await runtime().onBatch(events, subscribed({ enable_batching: true }))
    expect(batches.map((call) => call.body)).toEqual([
      {
        batches: [
          {
            subscribers: [
              { email: 'ada@example.com', tags: ['vip_customers'] },
              { email: 'bo@example.com', remove_tags: ['vip_customers'] },
              { email: 'cy@example.com', tags: ['vip_customers'] }
            ]
          }
        ]
      }
    ])
    const multistatus = multistatusOf(results)
    expect(multistatus.map((r) => r.status)).toEqual([201, 201, 400, 201])
    expect(multistatus[1].sent).toEqual({ email: 'bo@example.com', remove_tags: ['vip_customers'] })
    expect(multistatus[2].errormessage).toBe(
      'Email Address: empty. The default looks in properties.email (track), traits.email (identify), then ' +
        "context.traits.email; map Email Address to where your events carry the person's email."
    )
  })

  it('warehouse rows under a sync mode: entering and leaving rows batched, rows the mode leaves alone answered', async () => {
    const mapping = {
      enable_batching: true,
      email: { '@path': '$.properties.email' },
      __segment_internal_sync_mode: 'add',
      retlOnMappingSave: { outputs: { tag: 'trial-step-3' } }
    }
    const row = (event: string, email: string) => segmentEvent({ type: 'track', event, properties: { email } })
    const batches = intercept('post', `${base}/subscribers/batches`, 201, {})
    const results = await runtime().onBatch(
      [row('new', 'ada@example.com'), row('deleted', 'bo@example.com')],
      subscribed(mapping, 'type = "track"')
    )
    expect(batches.map((call) => call.body)).toEqual([
      { batches: [{ subscribers: [{ email: 'ada@example.com', tags: ['trial-step-3'] }] }] }
    ])
    expect(multistatusOf(results)).toEqual([
      { status: 201, sent: { email: 'ada@example.com', tags: ['trial-step-3'] }, body: {} },
      {
        status: 200,
        sent: {},
        body: { notes: ['Nothing sent: the add sync mode does not act on this row.'] }
      }
    ])
  })
})

describe('identify-shaped audiences synced as tags add no true/false custom field', () => {
  const identifyPreset = (definition.presets ?? []).find((p) => p.name === 'Identify')!
  const both = () =>
    ({
      ...settings,
      subscriptions: [
        { partnerAction: 'identify', subscribe: 'type = "identify"', mapping: identifyPreset.mapping },
        {
          partnerAction: 'syncAudience',
          subscribe: syncAudience.defaultSubscription,
          mapping: defaultValues(syncAudience.fields)
        }
      ]
    }) as unknown as JSONObject

  it('connected to Drip: the person without the audience trait, and the tag', async () => {
    const people = intercept('post', `${base}/subscribers`, 200, { subscribers: [{ id: 'p1' }] })
    const tags = intercept('post', `${base}/tags`, 201, {})
    const persona = personas('vip_customers', { external_audience_id: 'vip_customers' })
    await runtime().onEvent(identifyShaped(true, 'ada@example.com', persona, { plan: 'gold' }), both())
    expect(people.map((call) => call.body)).toEqual([
      {
        subscribers: [
          { email: 'ada@example.com', user_id: 'u-1', initial_status: 'unsubscribed', custom_fields: { plan: 'gold' } }
        ]
      }
    ])
    expect(tags.map((call) => call.body)).toEqual([{ tags: [{ email: 'ada@example.com', tag: 'vip_customers' }] }])
  })

  it('not connected as an audience destination: the trait stays a custom field, as before', async () => {
    const people = intercept('post', `${base}/subscribers`, 200, { subscribers: [{ id: 'p1' }] })
    await runtime().onEvent(identifyShaped(true, 'ada@example.com', personas('vip_customers')), {
      ...settings,
      subscriptions: [{ partnerAction: 'identify', subscribe: 'type = "identify"', mapping: identifyPreset.mapping }]
    } as unknown as JSONObject)
    expect((people[0].body as { subscribers: JSONObject[] }).subscribers[0].custom_fields).toEqual({
      vip_customers: 'true'
    })
  })

  it('a trait of the same name that is not true/false is the sender’s own and stays', async () => {
    const people = intercept('post', `${base}/subscribers`, 200, { subscribers: [{ id: 'p1' }] })
    const persona = personas('vip_customers', { external_audience_id: 'vip_customers' })
    const event = identifyShaped(true, 'ada@example.com', persona)
    event.traits = { email: 'ada@example.com', vip_customers: 'since 2024' }
    await runtime().onEvent(event, {
      ...settings,
      subscriptions: [{ partnerAction: 'identify', subscribe: 'type = "identify"', mapping: identifyPreset.mapping }]
    } as unknown as JSONObject)
    expect((people[0].body as { subscribers: JSONObject[] }).subscribers[0].custom_fields).toEqual({
      vip_customers: 'since 2024'
    })
  })
})
