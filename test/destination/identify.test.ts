import definition from '../../src'
import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import {
  ACCOUNT_ID,
  API_TOKEN,
  ENCODED_KEY,
  basicUser,
  intercept,
  runtime,
  runtimeSettings,
  segmentEvent,
  settings
} from '../helpers'

const testDestination = createTestIntegration(definition)
const SUBSCRIBERS = `/v2/${ACCOUNT_ID}/subscribers`

afterEach(() => nock.cleanAll())

/** The one subscriber the default mapping sends for an identify with these traits and context. */
async function subscriberFor(traits: JSONObject, context: JSONObject = {}, extra: JSONObject = {}) {
  const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
  const responses = await testDestination.testAction('identify', {
    event: createTestEvent({ type: 'identify', userId: null, traits, context, ...extra }),
    settings,
    useDefaultMappings: true
  })
  expect(calls).toHaveLength(1)
  return { subscriber: (calls[0].body as { subscribers: JSONObject[] }).subscribers[0], calls, responses }
}

describe('identify: defaults from Segment spec', () => {
  it('sends every Drip field it can fill from a full identify', async () => {
    const { subscriber, calls } = await subscriberFor(
      {
        email: 'ada@example.com',
        new_email: 'ada.lovelace@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        phone: '+44 20 7946 0000',
        sms_number: '+1 (612) 555-1212',
        sms_consent: true,
        address: { street: '12 St James Sq', city: 'London', state: 'LDN', postal_code: 'SW1Y 4JH', country: 'UK' },
        lifetime_value: 123.45,
        prospect: false,
        base_lead_score: 40,
        eu_consent: 'granted',
        eu_consent_message: 'I agree to the newsletter',
        status: 'active',
        status_updated_at: '2026-11-20T09:00:00+01:00',
        tags: 'vip, newsletter,,vip',
        remove_tags: ['trial'],
        plan: 'pro',
        createdAt: '2025-01-01T00:00:00Z',
        custom_fields: { shirt_size: 'M', seats: 3, meta: { a: 1 }, gone: null }
      },
      { ip: '2001:db8::1', timezone: 'Europe/London' },
      { userId: 'u-1' }
    )
    expect(calls[0].path).toBe(SUBSCRIBERS)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].headers['content-type']).toBe('application/json')
    expect(calls[0].headers['user-agent']).toMatch(/actions-drip/)
    expect(subscriber).toEqual({
      email: 'ada@example.com',
      new_email: 'ada.lovelace@example.com',
      user_id: 'u-1',
      first_name: 'Ada',
      last_name: 'Lovelace',
      address1: '12 St James Sq',
      city: 'London',
      state: 'LDN',
      zip: 'SW1Y 4JH',
      country: 'UK',
      phone: '+44 20 7946 0000',
      sms_number: '+16125551212',
      sms_consent: true,
      time_zone: 'Europe/London',
      ip_address: '2001:db8::1',
      lifetime_value: 12345,
      prospect: false,
      base_lead_score: 40,
      eu_consent: 'granted',
      eu_consent_message: 'I agree to the newsletter',
      initial_status: 'unsubscribed',
      status: 'active',
      status_updated_at: '2026-11-20T08:00:00.000Z',
      tags: ['vip', 'newsletter'],
      remove_tags: ['trial'],
      custom_fields: { plan: 'pro', createdAt: '2025-01-01T00:00:00Z', shirt_size: 'M', seats: '3', meta: '{"a":1}' }
    })
  })

  it('sends only the email and the initial status when nothing else is known', async () => {
    const { subscriber } = await subscriberFor({ email: 'bo@example.com' })
    expect(subscriber).toEqual({ email: 'bo@example.com', initial_status: 'unsubscribed' })
  })

  it('takes initial_status from the traits when they carry it', async () => {
    const { subscriber } = await subscriberFor({ email: 'bo@example.com', initial_status: 'active' })
    expect(subscriber).toEqual({ email: 'bo@example.com', initial_status: 'active' })
  })

  it('splits traits.name into first and last name when those are absent', async () => {
    expect(
      (await subscriberFor({ email: 'g@example.com', name: ' Grace  Brewster Hopper ' })).subscriber
    ).toMatchObject({
      first_name: 'Grace',
      last_name: 'Brewster Hopper'
    })
    const { subscriber } = await subscriberFor({ email: 'g@example.com', name: 'Cher' })
    expect(subscriber.first_name).toBe('Cher')
    expect(subscriber).not.toHaveProperty('last_name')
    expect(subscriber).not.toHaveProperty('custom_fields')
  })

  it('never sends a plain traits.phone to the SMS channel', async () => {
    const { subscriber } = await subscriberFor({ email: 'p@example.com', phone: '+16125551212' })
    expect(subscriber).toEqual({ email: 'p@example.com', initial_status: 'unsubscribed', phone: '+16125551212' })
  })
})

describe('identify: SMS Number', () => {
  it.each([
    ['+16125551212', '+16125551212'],
    ['+1 612 555 1212', '+16125551212'],
    ['+1 (612) 555-1212', '+16125551212'],
    ['001.612.555.1212', '+16125551212']
  ])('normalises %s to %s', async (raw, e164) => {
    expect((await subscriberFor({ email: 's@example.com', sms_number: raw })).subscriber.sms_number).toBe(e164)
  })

  it.each(['612-555-1212', '+44 7700 900123', 'call me'])(
    'leaves out %s, says so in the result, and still sends the person',
    async (raw) => {
      const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
      const results = await runtime().onEvent(
        segmentEvent({ type: 'identify', traits: { email: 's@example.com', sms_number: raw } }),
        runtimeSettings()
      )
      expect(calls[0].body).toEqual({ subscribers: [{ email: 's@example.com', initial_status: 'unsubscribed' }] })
      expect(results).toContainEqual({
        output: 'Action Executed',
        data: {
          status: 200,
          sent: { email: 's@example.com', initial_status: 'unsubscribed' },
          body: { subscribers: [{ id: 'x' }] },
          notes: ['SMS Number left out: Drip takes US numbers in E.164 form with the country code, e.g. +16125551212.']
        }
      })
    }
  )
})

describe('identify: tags, IP, datetimes, custom fields', () => {
  it('takes tags and remove_tags as comma strings or arrays, trimmed and de-duplicated', async () => {
    const { subscriber } = await subscriberFor({
      email: 't@example.com',
      tags: ['a', ' b ', 'a', 'c,d', ''],
      remove_tags: 'x, y,,x'
    })
    expect(subscriber).toMatchObject({ tags: ['a', 'b', 'c', 'd'], remove_tags: ['x', 'y'] })
  })

  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['2001:db8::1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['not-an-ip', undefined],
    ['999.1.1.1', undefined]
  ])('takes IP address %s as %s', async (ip, expected) => {
    const { subscriber } = await subscriberFor({ email: 'i@example.com' }, { ip })
    expect(subscriber.ip_address).toBe(expected)
  })

  it.each([
    [null, undefined],
    ['', undefined],
    [1700000000000, '2023-11-14T22:13:20.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T10:00:00-05:00', '2026-11-20T15:00:00.000Z']
  ])('sends Status Updated At %p as %p', async (value, expected) => {
    const { subscriber } = await subscriberFor({ email: 'd@example.com', status_updated_at: value })
    expect(subscriber.status_updated_at).toBe(expected)
  })

  const traits: JSONObject = {
    email: 'c@example.com',
    first_name: 'Cy',
    planName: 'Gold',
    'Favourite Colour': 'blue',
    'utm-source': 'ads',
    drip_score: 5,
    '!!!': 'kept',
    vip: true,
    nothing: null,
    company: { name: 'Acme', employees: 10 },
    custom_fields: { 'Plan Name': 'Platinum', planName: 'Mapped' }
  }

  /** The subscriber sent for `traits` through the runtime with Identify's preset (changed by `mapping`), and its notes. */
  async function withNotes(mapping: JSONObject = {}) {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
    const results = await runtime().onEvent(
      segmentEvent({ type: 'identify', traits }),
      runtimeSettings({}, { only: 'identify', mapping: { identify: mapping } })
    )
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes?: string[] } }
    return { subscriber: (calls[0].body as { subscribers: JSONObject[] }).subscribers[0], notes: executed.data.notes }
  }

  it('writes custom field keys as sent by default, without repeating standard traits; mapped ones win', async () => {
    const { subscriber, notes } = await withNotes()
    expect(subscriber.custom_fields).toEqual({
      planName: 'Mapped',
      'Favourite Colour': 'blue',
      'utm-source': 'ads',
      drip_score: '5',
      '!!!': 'kept',
      vip: 'true',
      company: '{"name":"Acme","employees":10}',
      'Plan Name': 'Platinum'
    })
    expect(subscriber.first_name).toBe('Cy')
    expect(notes).toEqual(['Custom field planName: Custom fields "planName" was kept over Other Traits "planName".'])
  })

  it('writes Other Traits the way Drip asks when the admin chooses Drip style, saying which value won a key', async () => {
    const { subscriber, notes } = await withNotes({ trait_field_names: 'drip_style' })
    expect(subscriber.custom_fields).toEqual({
      plan_name: 'Gold',
      favourite_colour: 'blue',
      utm_source: 'ads',
      segment_drip_score: '5',
      vip: 'true',
      company: '{"name":"Acme","employees":10}',
      'Plan Name': 'Platinum',
      planName: 'Mapped'
    })
    expect(notes).toEqual(['Other Traits: "!!!" left out: no letters or digits to make a Drip field name of.'])
  })

  it('sends only the mapped custom fields when Other Traits is cleared', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{}] })
    await testDestination.testAction('identify', {
      event: createTestEvent({
        type: 'identify',
        traits: { email: 'o@example.com', plan: 'pro', custom_fields: { a: 1 } }
      }),
      settings,
      mapping: { email: { '@path': '$.traits.email' }, custom_fields: { '@path': '$.traits.custom_fields' } }
    })
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'o@example.com', custom_fields: { a: '1' } }] })
  })

  it('sends an Engage audience trait as a custom field with the default mapping', async () => {
    const { subscriber } = await subscriberFor(
      { email: 'e@example.com', order_completed_last_30days: false },
      {
        personas: {
          computation_class: 'audience',
          computation_key: 'order_completed_last_30days',
          computation_id: 'a1'
        }
      }
    )
    expect(subscriber.custom_fields).toEqual({ order_completed_last_30days: 'false' })
  })
})

describe('identify: values Drip cannot take', () => {
  it('leaves out an invalid New Email, EU Consent and IP instead of failing the person, with notes', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{ id: 'x' }] })
    const results = await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        traits: { email: 'v@example.com', new_email: 'nope', eu_consent: 'yes please', eu_consent_message: 'ok' },
        context: { ip: '300.1.1.1' }
      }),
      runtimeSettings()
    )
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'v@example.com', initial_status: 'unsubscribed' }] })
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }
    expect(executed.data.notes).toEqual([
      'New Email left out: not a valid email address.',
      'IP Address left out: not an IPv4 or IPv6 address.',
      'EU Consent left out: Drip takes "granted" or "denied".',
      'EU Consent Message left out: it goes only with an EU Consent of granted or denied.'
    ])
  })
})

describe('identify: custom mappings and settings', () => {
  it('follows a custom mapping', async () => {
    const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{}] })
    await testDestination.testAction('identify', {
      event: createTestEvent({
        type: 'identify',
        userId: 'u-42',
        traits: { contact: { mail: 'cy@example.com' }, labels: ['a', 'b'], zone: 'America/Chicago', tier: 2 }
      }),
      settings,
      mapping: {
        email: { '@path': '$.traits.contact.mail' },
        tags: { '@path': '$.traits.labels' },
        timezone: { '@path': '$.traits.zone' },
        custom_fields: { tier: { '@path': '$.traits.tier' }, segment_id: { '@path': '$.userId' } },
        ip: '2001:db8::1'
      }
    })
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'cy@example.com',
          custom_fields: { tier: '2', segment_id: 'u-42' },
          ip_address: '2001:db8::1',
          tags: ['a', 'b'],
          time_zone: 'America/Chicago'
        }
      ]
    })
  })

  it('accepts the API key pasted in the old pre-encoded form, with or without whitespace, and sends it as pasted', async () => {
    for (const apiKey of [ENCODED_KEY, `  ${ENCODED_KEY}\n`, Buffer.from(`${API_TOKEN}:`).toString('base64')]) {
      const calls = intercept('post', SUBSCRIBERS, 200, { subscribers: [{}] })
      await testDestination.testAction('identify', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ed@example.com' } }),
        settings: { accountId: ACCOUNT_ID, apiKey },
        useDefaultMappings: true
      })
      expect(calls[0].headers.authorization).toBe(`Basic ${apiKey.trim()}`)
    }
  })

  it('refuses an account id that is not a number before sending anything', async () => {
    for (const accountId of ['acme', '123/../../v2/999', 'https://evil.example/', '']) {
      await expect(
        testDestination.testAction('identify', {
          event: createTestEvent({ type: 'identify', traits: { email: 'fy@example.com' } }),
          settings: { accountId, apiKey: API_TOKEN },
          useDefaultMappings: true
        })
      ).rejects.toThrow(/Account ID setting must be your numeric Drip account id/)
    }
    expect(nock.pendingMocks()).toEqual([])
  })
})
