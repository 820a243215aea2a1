import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import Destination from '../../index'
import type { Settings } from '../../generated-types'

const settings: Settings = {
  accountId: '2445926',
  apiKey: 'key'
}

const testDestination = createTestIntegration(Destination)

const DRIP = 'https://api.getdrip.com'
const AUTHORIZATION = `Basic ${Buffer.from('key:').toString('base64')}`

/** What Engage puts in context.personas for an audience (or a journey step). */
const personas = (key: string, extra: JSONObject = {}): JSONObject => ({
  computation_class: 'audience',
  computation_key: key,
  computation_id: `aud_${key}`,
  space_id: 'spa_1',
  ...extra
})

/** A track-shaped audience event (Audience Entered or Exited): the membership is a property at the audience's key. */
const trackShaped = (member: boolean | undefined, email: string, persona: JSONObject): Partial<SegmentEvent> => ({
  type: 'track',
  event: member === false ? 'Audience Exited' : 'Audience Entered',
  properties: {
    email,
    audience_key: persona.computation_key,
    ...(member === undefined ? {} : { [persona.computation_key as string]: member })
  },
  context: { personas: persona }
})

/** An identify-shaped audience event: the membership is a trait at the audience's key. */
const identifyShaped = (member: boolean, email: string, persona: JSONObject): Partial<SegmentEvent> => ({
  type: 'identify',
  traits: { email, [persona.computation_key as string]: member },
  context: { personas: persona }
})

/** A warehouse row (Reverse ETL): its event says whether it entered or left the model. */
const row = (event: string, email: string) => createTestEvent({ type: 'track', event, properties: { email } })

/** A warehouse model's mapping: its sync mode, and the tag its save hook chose. */
const model = (syncMode: string, extra: JSONObject = {}) => ({
  __segment_internal_sync_mode: syncMode,
  email: { '@path': '$.properties.email' },
  retlOnMappingSave: { inputs: { tag: 'trial-step-3' }, outputs: { tag: 'trial-step-3' } },
  ...extra
})

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.syncAudience', () => {
  it("adds the audience's tag to a person entering an Engage audience (track-shaped), with the default mappings", async () => {
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'ada@example.com', tag: 'vip_customers' }] })
      .reply(201, {})

    const responses = await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(trackShaped(true, 'ada@example.com', personas('vip_customers'))),
      useDefaultMappings: true
    })

    expect(responses.map((response) => [response.options.method, response.url])).toEqual([
      ['POST', `${DRIP}/v2/2445926/tags`]
    ])
    expect(responses[0].request.headers.get('authorization')).toBe(AUTHORIZATION)
    expect(responses[0].options.body).toBe(
      JSON.stringify({ tags: [{ email: 'ada@example.com', tag: 'vip_customers' }] })
    )
    expect(testDestination.results[2].data).toEqual({
      status: 201,
      sent: { email: 'ada@example.com', tags: ['vip_customers'] },
      body: {}
    })
  })

  it('takes the tag off a person leaving it; a person Drip does not have it on counts as done', async () => {
    nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com/tags/vip_customers').reply(404, {})

    const responses = await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(trackShaped(false, 'ada@example.com', personas('vip_customers'))),
      useDefaultMappings: true
    })

    expect(responses.map((response) => [response.options.method, response.url])).toEqual([
      ['DELETE', `${DRIP}/v2/2445926/subscribers/ada%40example.com/tags/vip_customers`]
    ])
    expect(testDestination.results[2].data).toEqual({
      status: 404,
      sent: { email: 'ada@example.com', remove_tags: ['vip_customers'] },
      body: { note: 'Drip did not have it: nothing to remove' }
    })
  })

  it('reads an identify-shaped audience (and a Linked Audience) from the trait at its key, the email from traits', async () => {
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'bo@example.com', tag: 'la_high_ltv' }] })
      .reply(201, {})
    nock(DRIP).delete('/v2/2445926/subscribers/bo%40example.com/tags/la_high_ltv').reply(204)
    const linked = personas('la_high_ltv', { external_audience_id: 'la_high_ltv', event_emitter_id: 'ee_1' })

    await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(identifyShaped(true, 'bo@example.com', linked)),
      useDefaultMappings: true
    })
    await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(identifyShaped(false, 'bo@example.com', linked)),
      useDefaultMappings: true
    })

    expect(nock.isDone()).toBe(true)
    expect(testDestination.results[2].data).toMatchObject({
      sent: { email: 'bo@example.com', remove_tags: ['la_high_ltv'] }
    })
  })

  it.each([
    [
      "the audience's Drip Tag setting",
      { audience_settings: { tag: 'VIP (Engage)' }, external_audience_id: 'VIP' },
      'VIP (Engage)'
    ],
    ['the tag Drip gave the audience when it was connected', { external_audience_id: 'VIP' }, 'VIP'],
    ["the audience's key, for an audience not connected to Drip", {}, 'vip_customers']
  ])('tags by %s', async (_source, extra, tag) => {
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'ada@example.com', tag }] })
      .reply(201, {})

    await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(trackShaped(true, 'ada@example.com', personas('vip_customers', extra))),
      useDefaultMappings: true
    })

    expect(nock.isDone()).toBe(true)
  })

  it('a Journeys step: true adds its tag; a classic step, which carries no true/false, is an entry too', async () => {
    const step = personas('j_o_welcome__step_2', { computation_class: 'journey_step' })
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'ada@example.com', tag: 'j_o_welcome__step_2' }] })
      .times(2)
      .reply(201, {})

    await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(trackShaped(true, 'ada@example.com', step)),
      useDefaultMappings: true
    })
    await testDestination.testAction('syncAudience', {
      settings,
      event: createTestEvent(trackShaped(undefined, 'ada@example.com', step)),
      useDefaultMappings: true
    })

    expect(nock.isDone()).toBe(true)
  })

  it('refuses an event that says nothing of membership, saying where it is read, and sends nothing', async () => {
    await expect(
      testDestination.testAction('syncAudience', {
        settings,
        event: createTestEvent(trackShaped(undefined, 'ada@example.com', personas('vip_customers'))),
        useDefaultMappings: true
      })
    ).rejects.toThrow(
      'This event says neither that the person entered the audience nor that they left it. Sync Audience reads it ' +
        "where Engage, Journeys and Linked Audiences put it: the audience's key (context.personas.computation_key) " +
        'in the properties (track) or traits (identify), true or false. For a warehouse model (Reverse ETL), pick a ' +
        'sync mode.'
    )
    expect(testDestination.responses).toHaveLength(0)
  })

  it('refuses a tag that Drip would read as two, or that would leave its place in the URL', async () => {
    const entering = createTestEvent(trackShaped(true, 'ada@example.com', personas('vip_customers')))
    await expect(
      testDestination.testAction('syncAudience', {
        settings,
        event: entering,
        mapping: { tag: 'vip,gold' },
        useDefaultMappings: true
      })
    ).rejects.toThrow('Tag: "vip,gold" holds a comma, which Drip would read as two tags.')
    await expect(
      testDestination.testAction('syncAudience', {
        settings,
        event: createTestEvent(trackShaped(false, 'ada@example.com', personas('vip_customers'))),
        mapping: { tag: '../admin' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Tag: "\.\.\/admin" cannot be sent to Drip: it contains "\/"/)
    expect(testDestination.responses).toHaveLength(0)
  })

  describe('warehouse models (sync modes)', () => {
    it('Mirror: a new row adds the tag the mapping saved, a deleted row takes it off', async () => {
      nock(DRIP)
        .post('/v2/2445926/tags', { tags: [{ email: 'new@example.com', tag: 'trial-step-3' }] })
        .reply(201, {})
      nock(DRIP).delete('/v2/2445926/subscribers/gone%40example.com/tags/trial-step-3').reply(204)

      await testDestination.testAction('syncAudience', {
        settings,
        event: row('new', 'new@example.com'),
        mapping: model('mirror')
      })
      await testDestination.testAction('syncAudience', {
        settings,
        event: row('deleted', 'gone@example.com'),
        mapping: model('mirror')
      })

      expect(nock.isDone()).toBe(true)
      expect(testDestination.results[2].data).toEqual({
        status: 204,
        sent: { email: 'gone@example.com', remove_tags: ['trial-step-3'] },
        body: {}
      })
    })

    it('Delete: a new row is left alone, and its result says so', async () => {
      await testDestination.testAction('syncAudience', {
        settings,
        event: row('new', 'new@example.com'),
        mapping: model('delete')
      })

      expect(testDestination.responses).toHaveLength(0)
      expect(testDestination.results[2].data).toEqual({
        status: 200,
        sent: {},
        body: {},
        notes: ['Nothing sent: the delete sync mode does not act on this row.']
      })
    })

    it("the mapping's save hook keeps a tag the account has, or a new one", async () => {
      nock(DRIP)
        .get('/v2/2445926/tags')
        .times(2)
        .reply(200, { tags: ['Customer', 'trial-step-3'] })
      const save = (tag: string) =>
        testDestination.actions.syncAudience.executeHook('retlOnMappingSave', {
          settings,
          payload: {},
          hookInputs: { tag }
        })

      await expect(save('trial-step-3')).resolves.toEqual({
        successMessage: 'Rows of this model get the tag "trial-step-3", which the account already has.',
        savedData: { tag: 'trial-step-3' }
      })
      await expect(save(' trial-step-4 ')).resolves.toEqual({
        successMessage:
          'Rows of this model get the tag "trial-step-4", new to this account: Drip creates it when the first row applies it.',
        savedData: { tag: 'trial-step-4' }
      })
      await expect(save('a,b')).resolves.toEqual({
        error: { message: 'Tag: "a,b" holds a comma, which Drip would read as two tags.', code: 'INVALID_TAG' }
      })
    })
  })

  describe('in a batch', () => {
    it("sends 72 or more people entering and leaving in one subscribers' batch, each with its own result", async () => {
      const persona = personas('vip_customers', { external_audience_id: 'vip_customers' })
      const events = Array.from({ length: 72 }, (_, n) =>
        createTestEvent(
          n % 2 === 0
            ? trackShaped(true, `p${n}@example.com`, persona)
            : identifyShaped(false, `p${n}@example.com`, persona)
        )
      )
      // One without an email is refused alone, before anything is sent.
      events.push(createTestEvent(trackShaped(true, '', persona)))
      nock(DRIP).post('/v2/2445926/subscribers/batches').reply(201, {})

      const responses = await testDestination.testBatchAction('syncAudience', {
        settings,
        events,
        useDefaultMappings: true
      })

      const subscribers = Array.from({ length: 72 }, (_, n) =>
        n % 2 === 0
          ? { email: `p${n}@example.com`, tags: ['vip_customers'] }
          : { email: `p${n}@example.com`, remove_tags: ['vip_customers'] }
      )
      expect(responses.map((response) => [response.options.method, response.url])).toEqual([
        ['POST', `${DRIP}/v2/2445926/subscribers/batches`]
      ])
      expect(responses[0].options.body).toBe(JSON.stringify({ batches: [{ subscribers }] }))
      const multistatus = testDestination.results[0].multistatus ?? []
      expect(multistatus).toHaveLength(73)
      expect(multistatus.slice(0, 2)).toEqual([
        { status: 201, sent: subscribers[0], body: {} },
        { status: 201, sent: subscribers[1], body: {} }
      ])
      expect(multistatus[72]).toEqual({
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage:
          'Email Address: empty. The default looks in properties.email (track), traits.email (identify), then ' +
          "context.traits.email; map Email Address to where your events carry the person's email.",
        errorreporter: 'INTEGRATIONS'
      })
    })

    it('sends a small batch person by person, each with its own result', async () => {
      const persona = personas('vip_customers')
      nock(DRIP)
        .post('/v2/2445926/tags', { tags: [{ email: 'p0@example.com', tag: 'vip_customers' }] })
        .reply(201, {})
      nock(DRIP)
        .delete('/v2/2445926/subscribers/p1%40example.com/tags/vip_customers')
        .reply(422, { errors: [{ code: 'invalid_error', attribute: 'tag', message: 'Tag is invalid' }] })

      await testDestination.testBatchAction('syncAudience', {
        settings,
        events: [
          createTestEvent(trackShaped(true, 'p0@example.com', persona)),
          createTestEvent(trackShaped(false, 'p1@example.com', persona))
        ],
        useDefaultMappings: true
      })

      expect(testDestination.results[0].multistatus).toEqual([
        { status: 201, sent: { email: 'p0@example.com', tags: ['vip_customers'] }, body: {} },
        {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errormessage: 'Drip refused the tag: Tag is invalid [invalid_error]',
          sent: { email: 'p1@example.com', remove_tags: ['vip_customers'] },
          errorreporter: 'DESTINATION'
        }
      ])
    })

    it('warehouse rows: entering rows go together, rows the sync mode leaves alone are answered', async () => {
      nock(DRIP)
        .post('/v2/2445926/tags', { tags: [{ email: 'new@example.com', tag: 'trial-step-3' }] })
        .reply(201, {})

      await testDestination.testBatchAction('syncAudience', {
        settings,
        events: [row('new', 'new@example.com'), row('deleted', 'gone@example.com')],
        mapping: model('add')
      })

      expect(testDestination.results[0].multistatus).toEqual([
        { status: 201, sent: { email: 'new@example.com', tags: ['trial-step-3'] }, body: {} },
        { status: 200, sent: {}, body: { notes: ['Nothing sent: the add sync mode does not act on this row.'] } }
      ])
    })
  })

  it("lists the account's tags to pick from, page by page", async () => {
    nock(DRIP)
      .get('/v2/2445926/tags')
      .query({ page: '1', per_page: '100' })
      .reply(200, { tags: ['vip', 'beta'], meta: { page: 1, total_pages: 1 } })

    const picked = await testDestination.testDynamicField('syncAudience', 'tag', { settings, payload: {} })

    expect(picked).toEqual({
      choices: [
        { label: 'vip', value: 'vip' },
        { label: 'beta', value: 'beta' }
      ]
    })
  })
})
