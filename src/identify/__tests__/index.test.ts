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
// Drip takes the API token as the user name of a Basic header, with an empty password.
const AUTHORIZATION = `Basic ${Buffer.from('key:').toString('base64')}`

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.identify', () => {
  // Upstream's case. Changed on purpose: User ID (Drip's user_id) is a new field, filled from userId by default, and
  // Status Updated At goes as the ISO-8601 UTC instant Drip stores.
  it('should identify with default mappings', async () => {
    nock(DRIP).post('/v2/2445926/subscribers').reply(200, {})

    const event = createTestEvent({
      context: {
        ip: '127.0.0.1',
        timezone: 'Europe/Amsterdam'
      },
      traits: {
        email: 'test@example.com',
        phone: '1234567890',
        initial_status: 'active',
        status: 'unsubscribed',
        status_updated_at: '2021-01-01T00:00:00Z',
        custom_fields: {
          fizz: 'buzz',
          numb: 1234,
          bool: true,
          oppBool: false,
          arr: ['hello', 1234, false],
          obj: { key: 'value' },
          null: null
        },
        tags: 'tag1,tag2'
      }
    })

    const responses = await testDestination.testAction('identify', {
      settings: settings,
      event: event,
      useDefaultMappings: true
    })

    const body = {
      subscribers: [
        {
          custom_fields: {
            fizz: 'buzz',
            numb: '1234',
            bool: 'true',
            oppBool: 'false',
            arr: '["hello",1234,false]',
            obj: '{"key":"value"}'
          },
          email: 'test@example.com',
          user_id: 'user1234',
          ip_address: '127.0.0.1',
          phone: '1234567890',
          initial_status: 'active',
          status: 'unsubscribed',
          status_updated_at: '2021-01-01T00:00:00.000Z',
          tags: ['tag1', 'tag2'],
          time_zone: 'Europe/Amsterdam'
        }
      ]
    }

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/subscribers`)
    expect(responses[0].options.method).toBe('POST')
    expect(responses[0].request.headers.get('authorization')).toBe(AUTHORIZATION)
    expect(responses[0].request.headers.get('content-type')).toBe('application/json')
    expect(responses[0].request.headers.get('user-agent')).toBe('Segment Drip (Actions) destination (actions-drip)')
    expect(JSON.parse(responses[0].options.body as string)).toEqual(body)
  })

  // Upstream's case. Changed on purpose: a batch smaller than 72 goes out as single requests. One batch request spends
  // 1 of Drip's 50 an hour, one single request 1 of its 3,600: below 72 people, singles spend less of what Drip allows.
  it('should batch identify with default mappings', async () => {
    nock(DRIP).post('/v2/2445926/subscribers').reply(200, {})

    const event = createTestEvent({
      event: 'Custom',
      traits: { email: 'foo@bar.com' },
      properties: { fizz: 'buzz' }
    })

    const responses = await testDestination.testBatchAction('identify', {
      settings: settings,
      events: [event],
      useDefaultMappings: true
    })

    const body = {
      subscribers: [
        {
          email: 'foo@bar.com',
          user_id: 'user1234',
          time_zone: 'Europe/Amsterdam',
          ip_address: '8.8.8.8',
          initial_status: 'unsubscribed'
        }
      ]
    }

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].options.body).toBe(JSON.stringify(body))
  })

  // Upstream's case, with a second person. Changed on purpose: Initial Status takes what Drip takes (active or
  // unsubscribed); upstream passed awaiting_confirmation on, which Drip does not take. That person alone is refused.
  it('should batch identify with custom mappings', async () => {
    nock(DRIP).post('/v2/2445926/subscribers').reply(200, {})

    const person = (email: string, initial_status: string) =>
      createTestEvent({
        context: {
          ip: '127.0.0.1',
          timezone: 'UTC'
        },
        traits: {
          properties: {
            email,
            initial_status,
            status: 'active',
            status_updated_at: '2023-01-01T00:00:00Z',
            custom_fields: {
              plan: 'premium',
              company: 'Acme Inc'
            },
            tags: 'vip,premium'
          }
        }
      })

    const responses = await testDestination.testBatchAction('identify', {
      settings: settings,
      events: [person('test@example.com', 'awaiting_confirmation'), person('ok@example.com', 'active')],
      mapping: {
        email: {
          '@path': '$.traits.properties.email'
        },
        initial_status: {
          '@path': '$.traits.properties.initial_status'
        },
        status: {
          '@path': '$.traits.properties.status'
        },
        status_updated_at: {
          '@path': '$.traits.properties.status_updated_at'
        },
        custom_fields: {
          '@path': '$.traits.properties.custom_fields'
        },
        tags: {
          '@path': '$.traits.properties.tags'
        },
        ip: {
          '@path': '$.context.ip'
        },
        timezone: {
          '@path': '$.context.timezone'
        }
      }
    })

    const body = {
      subscribers: [
        {
          email: 'ok@example.com',
          time_zone: 'UTC',
          ip_address: '127.0.0.1',
          initial_status: 'active',
          status: 'active',
          status_updated_at: '2023-01-01T00:00:00.000Z',
          tags: ['vip', 'premium'],
          custom_fields: {
            plan: 'premium',
            company: 'Acme Inc'
          }
        }
      ]
    }

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].options.body).toBe(JSON.stringify(body))
    const [refused, sent] = testDestination.results[0].multistatus ?? []
    expect(refused).toMatchObject({ status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED' })
    // Refused by the field's label, saying what Drip takes.
    expect((refused as { errormessage: string }).errormessage).toMatch(
      /^Initial Status\b.*"?active"? or "?unsubscribed"?/
    )
    expect(sent).toMatchObject({ status: 200, body: {} })
  })

  it('sends a batch of 72 or more people to the batch endpoint in one request, each with its own result', async () => {
    const scope = nock(DRIP).post('/v2/2445926/subscribers/batches').reply(201, {})
    const events = Array.from({ length: 72 }, (_, n) => createTestEvent({ traits: { email: `p${n}@example.com` } }))

    const responses = await testDestination.testBatchAction('identify', {
      settings,
      events,
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
    expect(responses.length).toBe(1)
    const { batches } = JSON.parse(responses[0].options.body as string)
    expect(batches).toHaveLength(1)
    expect(batches[0].subscribers).toHaveLength(72)
    expect(batches[0].subscribers[71]).toEqual({
      email: 'p71@example.com',
      user_id: 'user1234',
      time_zone: 'Europe/Amsterdam',
      ip_address: '8.8.8.8',
      initial_status: 'unsubscribed'
    })
    const results = testDestination.results[0].multistatus ?? []
    expect(results).toHaveLength(72)
    expect(results.every((result) => result.status === 201)).toBe(true)
  })

  it('maps every field of the person, and says in the result which values were left out', async () => {
    nock(DRIP)
      .post('/v2/2445926/subscribers')
      .reply(200, { subscribers: [{ id: 'z1' }] })

    const responses = await testDestination.testAction('identify', {
      settings,
      event: createTestEvent({ type: 'identify', userId: 'u-1', traits: {} }),
      mapping: {
        email: ' ada@example.com ',
        new_email: 'not an email',
        user_id: 'u-1',
        name: 'Ada King Lovelace',
        phone: '+44 20 7946 0000',
        sms_number: '+1 (612) 555-1212',
        sms_consent: true,
        address: { street: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'UK' },
        lifetime_value: 4800,
        currency: 'JPY',
        prospect: false,
        base_lead_score: 40,
        eu_consent: 'Granted',
        eu_consent_message: 'Newsletter',
        ip: 'not an ip',
        timezone: 'Europe/London',
        tags: ['vip', 'beta,trial'],
        remove_tags: 'trial',
        traits: { planName: 'gold', email: 'ignored@example.com' },
        trait_field_names: 'drip_style',
        custom_fields: { seats: 3 }
      }
    })

    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          user_id: 'u-1',
          first_name: 'Ada',
          last_name: 'King Lovelace',
          address1: '12 St James Sq',
          city: 'London',
          zip: 'SW1Y 4JH',
          country: 'UK',
          phone: '+44 20 7946 0000',
          sms_number: '+16125551212',
          sms_consent: true,
          time_zone: 'Europe/London',
          lifetime_value: 4800,
          prospect: false,
          base_lead_score: 40,
          eu_consent: 'granted',
          eu_consent_message: 'Newsletter',
          tags: ['vip', 'beta'],
          custom_fields: { plan_name: 'gold', seats: '3' }
        }
      ]
    })
    expect(testDestination.results[2].data).toEqual({
      status: 200,
      sent: JSON.parse(responses[0].options.body as string).subscribers[0],
      body: { subscribers: [{ id: 'z1' }] },
      notes: [
        'New Email left out: not a valid email address.',
        'IP Address left out: not an IPv4 or IPv6 address.',
        'Tags "trial" left out: in both Tags to Add and Tags to Remove, which would add and remove them at once.'
      ]
    })
  })

  it('refuses a person without an email, naming the field and where its default looked', async () => {
    await expect(
      testDestination.testAction('identify', {
        settings,
        event: createTestEvent({ type: 'identify', traits: { name: 'Ada' } }),
        mapping: { email: ' ' }
      })
    ).rejects.toThrow('Email Address: empty. The default looks in traits.email, then properties.email')
    expect(testDestination.responses).toHaveLength(0)
  })

  describe("Drip's errors", () => {
    const identify = () =>
      testDestination.testAction('identify', {
        settings,
        event: createTestEvent({ type: 'identify', traits: { email: 'ada@example.com' } }),
        useDefaultMappings: true
      })

    it('401: the API key is refused', async () => {
      nock(DRIP)
        .post('/v2/2445926/subscribers')
        .reply(401, { errors: [{ code: 'authentication_error' }] })
      await expect(identify()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'Drip rejected the API key (401: authentication_error). Check the API Key setting.'
      })
    })

    it("422: the person is refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/subscribers')
        .reply(422, { errors: [{ code: 'email_invalid', attribute: 'email', message: 'Email is invalid' }] })
      await expect(identify()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        status: 400,
        message: 'Drip refused the email: Email is invalid [email_invalid]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP)
        .post('/v2/2445926/subscribers')
        .reply(429, { errors: [{ code: 'too_many_requests', message: 'API rate limit exceeded' }] })
      await expect(identify()).rejects.toMatchObject({
        name: 'RetryableError',
        status: 429,
        message: "Drip's hourly rate limit for this account was reached (429: API rate limit exceeded)"
      })
    })
  })

  describe('warehouse rows (sync mode Delete)', () => {
    const row = (event: string) => createTestEvent({ type: 'track', event, properties: { email: 'gone@example.com' } })
    const mapping = (deleted_row: string) => ({
      __segment_internal_sync_mode: 'delete',
      email: { '@path': '$.properties.email' },
      deleted_row
    })

    it('unsubscribes the person of a row that left the model', async () => {
      const scope = nock(DRIP).post('/v2/2445926/subscribers/gone%40example.com/unsubscribe_all').reply(200, {})
      await testDestination.testAction('identify', { settings, event: row('deleted'), mapping: mapping('unsubscribe') })
      expect(scope.isDone()).toBe(true)
    })

    it('deletes the person when A Deleted Row says so; one Drip does not have counts as deleted', async () => {
      const scope = nock(DRIP).delete('/v2/2445926/subscribers/gone%40example.com').reply(404, {})
      await testDestination.testAction('identify', { settings, event: row('deleted'), mapping: mapping('delete') })
      expect(scope.isDone()).toBe(true)
      expect(testDestination.results[2].data).toMatchObject({ status: 404 })
    })

    it('sends nothing for a new row', async () => {
      await testDestination.testAction('identify', { settings, event: row('new'), mapping: mapping('delete') })
      expect(testDestination.results[2].data).toEqual({
        status: 200,
        sent: {},
        body: {},
        notes: ['Nothing sent: the delete sync mode does not act on this row.']
      })
    })

    it('in a batch, does with each row what the mode says, each with its own result', async () => {
      nock(DRIP).post('/v2/2445926/subscribers/gone%40example.com/unsubscribe_all').reply(200, {})

      await testDestination.testBatchAction('identify', {
        settings,
        events: [row('new'), row('deleted')],
        mapping: mapping('unsubscribe')
      })

      expect(testDestination.results[0].multistatus).toEqual([
        { status: 200, sent: {}, body: { notes: ['Nothing sent: the delete sync mode does not act on this row.'] } },
        { status: 200, sent: { email: 'gone@example.com' }, body: {} }
      ])
    })
  })

  describe('Engage: consent and audiences synced as tags', () => {
    const person = (extra: Partial<SegmentEvent> = {}) =>
      createTestEvent({ type: 'identify', userId: 'u-1', traits: { email: 'ada@example.com' }, context: {}, ...extra })
    const sentBody = async (event: SegmentEvent, mapping: JSONObject) => {
      nock(DRIP).post('/v2/2445926/subscribers').reply(200, {})
      const responses = await testDestination.testAction('identify', {
        settings,
        event,
        mapping,
        useDefaultMappings: true
      })
      return JSON.parse(responses[0].options.body as string) as { subscribers: Array<Record<string, unknown>> }
    }

    it("takes EU Consent from the consent object's category, over EU Consent as mapped, and says so", async () => {
      const body = await sentBody(
        person({
          traits: { email: 'ada@example.com', eu_consent: 'denied' },
          context: { consent: { categoryPreferences: { Marketing: true } } }
        }),
        { consent_category: 'Marketing', consent_message_template: 'Marketing emails ({category}) in our banner' }
      )

      expect(body.subscribers[0]).toEqual({
        email: 'ada@example.com',
        user_id: 'u-1',
        initial_status: 'unsubscribed',
        eu_consent: 'granted',
        eu_consent_message: 'Marketing emails (Marketing) in our banner'
      })
      expect(testDestination.results[2].data).toMatchObject({
        notes: ['EU Consent: "granted" from the consent object\'s "Marketing" was kept over "denied" as mapped.']
      })
    })

    it('leaves EU Consent as mapped when the category is missing or says neither true nor false', async () => {
      const missing = await sentBody(person({ context: { consent: { categoryPreferences: { Analytics: false } } } }), {
        consent_category: 'Marketing'
      })
      expect(missing.subscribers[0]).toEqual({
        email: 'ada@example.com',
        user_id: 'u-1',
        initial_status: 'unsubscribed'
      })

      await sentBody(person({ context: { consent: { categoryPreferences: { Marketing: 'yes' } } } }), {
        consent_category: 'Marketing'
      })
      expect(testDestination.results[2].data).toMatchObject({
        sent: { email: 'ada@example.com', user_id: 'u-1', initial_status: 'unsubscribed' },
        notes: [
          'Consent Preferences: "Marketing" is "yes", neither true nor false, so EU Consent was not taken from it.'
        ]
      })
    })

    it('leaves out the true/false trait of an audience connected to Drip, which Sync Audience keeps as a tag', async () => {
      const personas = { computation_class: 'audience', computation_key: 'vip_customers' }
      const traits = { email: 'ada@example.com', vip_customers: true, plan: 'gold' }

      const connected = await sentBody(
        person({ traits, context: { personas: { ...personas, external_audience_id: 'vip_customers' } } }),
        {}
      )
      const notConnected = await sentBody(person({ traits, context: { personas } }), {})

      expect(connected.subscribers[0].custom_fields).toEqual({ plan: 'gold' })
      expect(notConnected.subscribers[0].custom_fields).toEqual({ vip_customers: 'true', plan: 'gold' })
    })
  })

  it("lists the account's custom fields to pick from", async () => {
    nock(DRIP)
      .get('/v2/2445926/custom_field_identifiers')
      .query({ page: '1', per_page: '100' })
      .reply(200, { custom_field_identifiers: ['plan', 'shirt_size'] })

    const picked = await testDestination.testDynamicField('identify', 'custom_fields.__keys__', {
      settings,
      payload: {}
    })

    expect(picked).toEqual({
      choices: [
        { label: 'plan', value: 'plan' },
        { label: 'shirt_size', value: 'shirt_size' }
      ]
    })
  })
})
