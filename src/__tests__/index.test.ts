import nock from 'nock'
import { Destination, createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import destination from '../index'

// The destination as Segment's runtime runs it (Destination.onEvent and onBatch, with the presets as subscriptions),
// against nock: exact requests to Drip and exact results. Needs nothing but actions-core and nock.

const API = 'https://api.getdrip.com'
const settings = { accountId: '9999999', apiKey: 'drip-api-token' }
const BASIC = `Basic ${Buffer.from('drip-api-token:').toString('base64')}`

/** The runtime's settings: the destination settings plus each preset as a subscription. */
function withPresets(mapping: Record<string, JSONObject> = {}): JSONObject {
  const subscriptions = (destination.presets ?? []).map((preset) => ({
    partnerAction: 'partnerAction' in preset ? preset.partnerAction : '',
    subscribe: 'subscribe' in preset ? preset.subscribe : '',
    mapping: {
      ...('mapping' in preset ? preset.mapping : {}),
      ...(mapping[(preset as { partnerAction: string }).partnerAction] ?? {})
    }
  }))
  return { ...settings, subscriptions } as unknown as JSONObject
}

/** Records every request to `path` and answers it. */
function answer(method: 'get' | 'post', path: string | RegExp, status: number, body: unknown = {}) {
  const seen: Array<{ path: string; authorization: string | undefined; body: unknown }> = []
  nock(API)
    .intercept(path, method.toUpperCase())
    .times(100)
    .reply(function (uri, requestBody) {
      // nock 13 gives a header's values as a list, nock 14 as one string.
      const authorization: string | string[] | undefined = this.req.headers.authorization
      seen.push({ path: uri, authorization: [authorization ?? []].flat().join(', ') || undefined, body: requestBody })
      return [status, body]
    })
  return seen
}

const identify = (traits: JSONObject, extra: Partial<SegmentEvent> = {}) =>
  createTestEvent({ type: 'identify', userId: 'u-1', traits, context: { ip: '2001:db8::1' }, ...extra })

afterEach(() => nock.cleanAll())

describe('authentication', () => {
  const testDestination = createTestIntegration(destination)

  it("passes when the key's user can use the account, with the token as Basic user", async () => {
    const seen = answer('get', '/v2/accounts', 200, { accounts: [{ id: '9999999' }] })
    await expect(testDestination.testAuthentication(settings)).resolves.not.toThrow()
    expect(seen).toEqual([{ path: '/v2/accounts', authorization: BASIC, body: '' }])
  })

  it('fails, naming the Account ID, when the key cannot use the account', async () => {
    answer('get', '/v2/accounts', 200, { accounts: [{ id: '1' }] })
    await expect(testDestination.testAuthentication(settings)).rejects.toThrow(/cannot use account 9999999/)
  })
})

describe('identify', () => {
  it('sends the person with every default, IPv6 and custom fields as sent', async () => {
    const seen = answer('post', '/v2/9999999/subscribers', 200, { subscribers: [{ id: 'p1' }] })
    await new Destination(destination).onEvent(
      identify({
        email: 'ada@example.com',
        firstName: 'Ada',
        tags: 'vip, beta',
        planName: 'gold',
        custom_fields: { testType: 'x', seats: 3 }
      }),
      withPresets()
    )
    expect(seen).toEqual([
      {
        path: '/v2/9999999/subscribers',
        authorization: BASIC,
        body: {
          subscribers: [
            {
              email: 'ada@example.com',
              user_id: 'u-1',
              first_name: 'Ada',
              ip_address: '2001:db8::1',
              initial_status: 'unsubscribed',
              tags: ['vip', 'beta'],
              custom_fields: { planName: 'gold', testType: 'x', seats: '3' }
            }
          ]
        }
      }
    ])
  })

  it('writes Other Traits in Drip style when the admin chooses it, and says which value won a shared key', async () => {
    const seen = answer('post', '/v2/9999999/subscribers', 200, { subscribers: [{ id: 'p1' }] })
    const results = await new Destination(destination).onEvent(
      identify({ email: 'ada@example.com', planName: 'gold', 'Plan Name': 'silver', drip_score: 2 }),
      withPresets({ identify: { trait_field_names: 'drip_style' } })
    )
    const sent = (seen[0].body as { subscribers: JSONObject[] }).subscribers[0]
    expect(sent.custom_fields).toEqual({ plan_name: 'silver', segment_drip_score: '2' })
    const executed = results.find((result) => result.output === 'Action Executed') as { data: { notes?: string[] } }
    expect(executed.data.notes).toEqual([
      'Custom field plan_name: Other Traits "Plan Name" was kept over Other Traits "planName".'
    ])
  })

  it('gives every event of a batch its own result: sent ones, and one refused before sending', async () => {
    const seen = answer('post', '/v2/9999999/subscribers/batches', 201, {})
    const events = Array.from({ length: 80 }, (_, n) => identify({ email: `p${n}@example.com` }))
    events[3] = identify({ email: `${'x'.repeat(250)}@example.com` })
    const results = await new Destination(destination).onBatch(
      events,
      withPresets({ identify: { enable_batching: true } })
    )
    const { multistatus } = results.find((result) => 'multistatus' in result) as unknown as {
      multistatus: Array<{ status: number; errormessage?: string }>
    }
    expect(seen).toHaveLength(1)
    expect((seen[0].body as { batches: Array<{ subscribers: unknown[] }> }).batches[0].subscribers).toHaveLength(79)
    expect(multistatus).toHaveLength(80)
    expect(multistatus.filter((result) => result.status === 201)).toHaveLength(79)
    expect(multistatus[3]).toMatchObject({
      status: 400,
      errormessage: expect.stringMatching(/^Email Address: 262 characters/)
    })
  })

  it("fails with Drip's own message when Drip refuses the person", async () => {
    answer('post', '/v2/9999999/subscribers', 422, { errors: [{ code: 'email_invalid', message: 'Email is invalid' }] })
    await expect(
      new Destination(destination).onEvent(identify({ email: 'ada@example.com' }), withPresets())
    ).rejects.toThrow(/Email is invalid/)
  })
})

describe('track event', () => {
  it('sends the event with its time and conversion value in cents', async () => {
    const seen = answer('post', '/v2/9999999/events', 204)
    await new Destination(destination).onEvent(
      createTestEvent({
        type: 'track',
        event: 'Upgraded',
        timestamp: '2026-11-20T10:15:00.000Z',
        properties: { email: 'ada@example.com', revenue: 12.5, currency: 'USD' }
      }),
      withPresets()
    )
    expect(seen.map((request) => request.body)).toEqual([
      {
        events: [
          {
            email: 'ada@example.com',
            action: 'Upgraded',
            properties: { email: 'ada@example.com', revenue: 12.5, currency: 'USD', value: 1250 },
            occurred_at: '2026-11-20T10:15:00.000Z'
          }
        ]
      }
    ])
  })
})

describe('Drip', () => {
  describe('testAuthentication', () => {
    const testDestination = createTestIntegration(destination)

    // Upstream's case. Changed on purpose: the test reads GET /v2/accounts (not /v2/user), so that a key whose user
    // cannot use the Account ID fails here, when the admin saves the settings, rather than on every event.
    it('should validate authentication inputs', async () => {
      nock('https://api.getdrip.com')
        .get('/v2/accounts')
        .reply(200, { accounts: [{ id: 42 }] })

      // This should match your authentication.fields
      const authData = {
        apiKey: 'abc123',
        accountId: '42'
      }

      await expect(testDestination.testAuthentication(authData)).resolves.not.toThrow()
    })
  })
})

describe('Engage: audiences and consent', () => {
  const testDestination = createTestIntegration(destination)
  const connect = (audienceSettings: JSONObject = {}) =>
    testDestination.createAudience({
      settings,
      audienceName: 'VIP Customers',
      personas: { computation_key: 'vip_customers', computation_id: 'aud_1', namespace: 'spa_1' },
      audienceSettings
    })

  it('an audience connected to Drip gets its key as its tag, once Drip has taken the key and account', async () => {
    const seen = answer('get', '/v2/9999999/tags', 200, { tags: ['Customer'] })
    await expect(connect()).resolves.toEqual({ externalId: 'vip_customers' })
    await expect(connect({ tag: ' VIP (Engage) ' })).resolves.toEqual({ externalId: 'VIP (Engage)' })
    expect(seen).toEqual([
      { path: '/v2/9999999/tags', authorization: BASIC, body: '' },
      { path: '/v2/9999999/tags', authorization: BASIC, body: '' }
    ])
  })

  it('refuses a Drip Tag that cannot be one tag, naming the setting, before asking Drip anything', async () => {
    const seen = answer('get', '/v2/9999999/tags', 200, { tags: [] })
    await expect(connect({ tag: 'vip,gold' })).rejects.toThrow(
      'Drip Tag (audience setting): "vip,gold" holds a comma, which Drip would read as two tags. Set Drip Tag in ' +
        "the audience's settings for Drip to the tag that should stand for this audience."
    )
    expect(seen).toEqual([])
  })

  it('getAudience checks the tag it was given, or the Drip Tag set since', async () => {
    answer('get', '/v2/9999999/tags', 200, { tags: ['vip_customers'] })
    await expect(testDestination.getAudience({ settings, externalId: 'vip_customers' })).resolves.toEqual({
      externalId: 'vip_customers'
    })
    await expect(
      testDestination.getAudience({ settings, externalId: 'vip_customers', audienceSettings: { tag: 'VIP' } })
    ).resolves.toEqual({ externalId: 'VIP' })
    nock.cleanAll()
    answer('get', '/v2/9999999/tags', 401, { errors: [{ code: 'authentication_error', message: 'Unauthorized' }] })
    await expect(testDestination.getAudience({ settings, externalId: 'vip_customers' })).rejects.toThrow(
      'Drip rejected the API key (401: Unauthorized). Check the API Key setting.'
    )
  })

  it('Segment Consent Preference Updated: a denial reaches eu_consent, and unsubscribes when the admin chose that', async () => {
    const people = answer('post', '/v2/9999999/subscribers', 200, { subscribers: [{ id: 'p1' }] })
    answer('post', '/v2/9999999/events', 204)
    await new Destination(destination).onEvent(
      createTestEvent({
        type: 'track',
        event: 'Segment Consent Preference Updated',
        properties: {},
        context: {
          traits: { email: 'ada@example.com' },
          consent: { categoryPreferences: { Marketing: false, Analytics: true } }
        }
      }),
      withPresets({
        identify: {
          consent_category: 'Marketing',
          consent_message_template: 'Marketing emails ({category})',
          unsubscribe_on_denied: true
        }
      })
    )
    expect(people.map((request) => request.body)).toEqual([
      {
        subscribers: [
          {
            email: 'ada@example.com',
            user_id: 'user1234',
            initial_status: 'unsubscribed',
            status: 'unsubscribed',
            eu_consent: 'denied',
            eu_consent_message: 'Marketing emails (Marketing)'
          }
        ]
      }
    ])
  })

  it('an identify without a consent object changes nothing of consent', async () => {
    const people = answer('post', '/v2/9999999/subscribers', 200, { subscribers: [{ id: 'p1' }] })
    await new Destination(destination).onEvent(
      identify({ email: 'ada@example.com' }),
      withPresets({ identify: { consent_category: 'Marketing', unsubscribe_on_denied: true } })
    )
    expect(people.map((request) => request.body)).toEqual([
      {
        subscribers: [
          { email: 'ada@example.com', user_id: 'u-1', ip_address: '2001:db8::1', initial_status: 'unsubscribed' }
        ]
      }
    ])
  })
})
