import nock from 'nock'
import path from 'path'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { readMapping } from '../../tools/subscriptions'
import {
  ACCOUNT_ID,
  API_TOKEN,
  ENCODED_KEY,
  intercept,
  runtime,
  runtimeSettings,
  segmentEvent,
  TOKEN_BASIC,
  settings
} from '../helpers'

// The destination as Segment's cloud runtime drives it: new Destination(definition), the presets (or the documented
// mappings) as subscriptions, settings validation and FQL matching included.

afterEach(() => nock.cleanAll())

const EVENTS = `/v2/${ACCOUNT_ID}/events`
const SUBSCRIBERS = `/v2/${ACCOUNT_ID}/subscribers`
const TIMESTAMP = '2026-11-20T10:15:00.000Z'

/**
 * What onEvent answers for each preset that did not match, when `matched` of them did. Only automatic presets are
 * subscriptions; Segment routes the events of specificEvent presets (Journeys, Linked Audiences) by their kind.
 */
const notSubscribed = (matched: number) =>
  Array((definition.presets ?? []).filter((p) => p.type === 'automatic').length - matched).fill({
    output: 'not subscribed'
  })

describe('Destination.onEvent with the presets', () => {
  // A pre-encoded key goes as pasted: the header upstream sent for it.
  it.each([
    ['raw', API_TOKEN, TOKEN_BASIC],
    ['pre-encoded', ENCODED_KEY, `Basic ${ENCODED_KEY}`]
  ])('delivers a track call as a Drip event with a %s API key', async (_kind, apiKey, authorization) => {
    const calls = intercept('post', EVENTS, 204)
    const results = await runtime().onEvent(
      segmentEvent({ type: 'track', event: 'Viewed Plan', properties: { plan: 'pro', email: 'ada@example.com' } }),
      runtimeSettings({ apiKey })
    )
    expect(results).toEqual([
      { output: 'Mappings resolved' },
      { output: 'Payload validated' },
      {
        output: 'Action Executed',
        data: {
          status: 204,
          sent: {
            email: 'ada@example.com',
            action: 'Viewed Plan',
            properties: { plan: 'pro', email: 'ada@example.com' },
            occurred_at: TIMESTAMP
          },
          body: {}
        }
      },
      ...notSubscribed(1)
    ])
    expect(calls).toHaveLength(1)
    expect(calls[0].headers.authorization).toBe(authorization)
    expect(calls[0].body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Viewed Plan',
          properties: { plan: 'pro', email: 'ada@example.com' },
          occurred_at: TIMESTAMP
        }
      ]
    })
  })

  it('delivers a revenue event with its conversion value in cents', async () => {
    const calls = intercept('post', EVENTS, 204)
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Subscription Renewed',
        properties: { order_id: 'o-1', revenue: 129.95 },
        context: { traits: { email: 'ada@example.com' } }
      }),
      runtimeSettings()
    )
    expect(calls[0].body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Subscription Renewed',
          properties: { order_id: 'o-1', revenue: 129.95, value: 12995 },
          occurred_at: TIMESTAMP
        }
      ]
    })
  })

  it.each([
    ['raw', API_TOKEN, TOKEN_BASIC],
    ['pre-encoded', ENCODED_KEY, `Basic ${ENCODED_KEY}`]
  ])('delivers an identify call as a Drip subscriber with a %s API key', async (_kind, apiKey, authorization) => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'abc' }] })
    await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        userId: 'u-1',
        traits: {
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          plan: 'pro',
          tags: ['trial', 'beta'],
          status_updated_at: null
        },
        context: { ip: '2001:db8::7', timezone: 'Europe/Paris' }
      }),
      runtimeSettings({ apiKey })
    )
    expect(calls).toHaveLength(1)
    expect(calls[0].path).toBe(SUBSCRIBERS)
    expect(calls[0].headers.authorization).toBe(authorization)
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          user_id: 'u-1',
          first_name: 'Ada',
          last_name: 'Lovelace',
          time_zone: 'Europe/Paris',
          ip_address: '2001:db8::7',
          initial_status: 'unsubscribed',
          tags: ['trial', 'beta'],
          custom_fields: { plan: 'pro' }
        }
      ]
    })
  })

  it('delivers an Engage audience identify with the audience as a custom field', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'abc' }] })
    await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        userId: 'u-9',
        traits: { email: 'kj@example.com', vip_customers: true },
        context: {
          personas: {
            computation_class: 'audience',
            computation_key: 'vip_customers',
            computation_id: 'aud_1',
            space_id: 'spa_1'
          }
        }
      }),
      runtimeSettings()
    )
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'kj@example.com',
          user_id: 'u-9',
          initial_status: 'unsubscribed',
          custom_fields: { vip_customers: 'true' }
        }
      ]
    })
  })

  it('matches no preset for a call type it has no mapping for, and sends nothing', async () => {
    const results = await runtime().onEvent(segmentEvent({ type: 'screen', name: 'Home' }), runtimeSettings())
    expect(results).toEqual(notSubscribed(0))
  })

  it('sends no page, group or alias call with the presets alone', async () => {
    for (const type of ['page', 'group', 'alias'] as const) {
      const results = await runtime().onEvent(
        segmentEvent({ type, name: 'Pricing', context: { traits: { email: 'a@example.com' } } }),
        runtimeSettings()
      )
      expect(results).toEqual(notSubscribed(0))
    }
  })

  it('refuses a non-numeric Account ID before any request', async () => {
    await expect(
      runtime().onEvent(
        segmentEvent({ type: 'track', event: 'x', properties: { email: 'a@example.com' } }),
        runtimeSettings({ accountId: 'my-shop' })
      )
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^The Account ID setting must be/) })
  })

  it('refuses settings without an API key', async () => {
    const bad = runtimeSettings()
    delete bad.apiKey
    await expect(
      runtime().onEvent(segmentEvent({ type: 'track', event: 'x', properties: { email: 'a@example.com' } }), bad)
    ).rejects.toThrow(/apiKey/)
  })
})

describe('page, group and alias through the documented mappings (examples/subscriptions.json)', () => {
  const documented = () =>
    ({
      ...settings,
      subscriptions: readMapping(definition, path.join(__dirname, '..', '..', 'examples', 'subscriptions.json'))
    }) as unknown as JSONObject

  it('records a page view as a Drip event named after the page', async () => {
    const calls = intercept('post', EVENTS, 204)
    await runtime().onEvent(
      segmentEvent({
        type: 'page',
        name: 'Pricing',
        properties: { url: 'https://shop.example.com/pricing' },
        context: { traits: { email: 'ada@example.com' } }
      }),
      documented()
    )
    expect(calls[0].body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Viewed Pricing Page',
          properties: { url: 'https://shop.example.com/pricing' },
          occurred_at: TIMESTAMP
        }
      ]
    })
  })

  it("stores a group call's company as the person's custom fields", async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{}] })
    await runtime().onEvent(
      segmentEvent({
        type: 'group',
        userId: 'u-1',
        groupId: 'g-42',
        traits: { name: 'Analytical Engines', industry: 'Computing', employees: 50, email: 'billing@engines.example' },
        context: { traits: { email: 'ada@example.com' } }
      }),
      documented()
    )
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          initial_status: 'unsubscribed',
          // The mapping lists what it changes; the defaults it keeps (user id, IP, time zone) still apply.
          user_id: 'u-1',
          custom_fields: {
            company_id: 'g-42',
            company_name: 'Analytical Engines',
            company_industry: 'Computing',
            company_employees: '50'
          }
        }
      ]
    })
  })

  it("sets the person's user_id from an alias call", async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{}] })
    await runtime().onEvent(
      segmentEvent({
        type: 'alias',
        userId: 'u-1005',
        previousId: 'anon-77',
        context: { traits: { email: 'mary@example.com' } }
      }),
      documented()
    )
    expect(calls[0].body).toEqual({
      subscribers: [{ email: 'mary@example.com', initial_status: 'unsubscribed', user_id: 'u-1005' }]
    })
  })
})

describe('Destination.testAuthentication', () => {
  const accounts = {
    accounts: [
      { id: '7654321', name: 'Other' },
      { id: ACCOUNT_ID, name: 'Acme' }
    ]
  }

  it('passes for a key that can use the account, raw or pre-encoded', async () => {
    for (const [apiKey, authorization] of [
      [API_TOKEN, TOKEN_BASIC],
      [ENCODED_KEY, `Basic ${ENCODED_KEY}`]
    ]) {
      const calls = intercept('get', '/v2/accounts', 200, accounts)
      await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey })).resolves.toBeUndefined()
      expect(calls[0].headers.authorization).toBe(authorization)
    }
  })

  it('fails with "Drip rejected the API key" for a rejected key, never echoing it', async () => {
    intercept('get', '/v2/accounts', 401, { errors: [{ code: 'authentication_error', message: 'Unauthorized' }] })
    const error = await runtime()
      .testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(/Drip rejected the API key/)
    expect((error as Error).message).not.toContain(API_TOKEN)
  })

  it('fails with a readable message when Drip answers without a list of accounts', async () => {
    intercept('get', '/v2/accounts', 200, '<html><body>Maintenance</body></html>', 1, { 'Content-Type': 'text/html' })
    await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })).rejects.toThrow(
      'Credentials are invalid:  Drip answered GET /v2/accounts without a list of accounts: Maintenance'
    )
  })

  it('fails naming the account id when the key cannot use that account', async () => {
    intercept('get', '/v2/accounts', 200, { accounts: [{ id: '7654321', name: 'Other' }] })
    await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })).rejects.toThrow(
      new RegExp(`cannot use account ${ACCOUNT_ID}`)
    )
  })
})
