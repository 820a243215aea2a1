import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../src'
import { ACCOUNT_ID, API_TOKEN, ENCODED_KEY, basicUser, intercept, settings } from './helpers'

const testDestination = createTestIntegration(definition)

const identifyEvent = (traits: JSONObject, context: JSONObject = {}) =>
  createTestEvent({ type: 'identify', traits, context: { ip: '203.0.113.9', timezone: 'Europe/Berlin', ...context } })

afterEach(() => nock.cleanAll())

describe('identify', () => {
  it('upserts one subscriber from the default mapping', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{ id: 'x' }] })
    await testDestination.testAction('identify', {
      event: identifyEvent({
        email: 'ada@example.com',
        custom_fields: { plan: 'pro', seats: 3, beta: true, meta: { a: 1 }, gone: null },
        sms_number: '+16125551212',
        status: 'active',
        status_updated_at: '2026-11-20T09:00:00+01:00',
        tags: 'vip, newsletter,,vip'
      }),
      settings,
      useDefaultMappings: true
    })
    expect(calls).toHaveLength(1)
    expect(calls[0].path).toBe(`/v2/${ACCOUNT_ID}/subscribers`)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].headers['content-type']).toBe('application/json')
    expect(calls[0].headers['user-agent']).toMatch(/actions-drip/)
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          custom_fields: { plan: 'pro', seats: '3', beta: 'true', meta: '{"a":1}' },
          ip_address: '203.0.113.9',
          sms_number: '+16125551212',
          initial_status: 'unsubscribed',
          status: 'active',
          status_updated_at: '2026-11-20T08:00:00.000Z',
          tags: ['vip', 'newsletter'],
          time_zone: 'Europe/Berlin'
        }
      ]
    })
  })

  it('sends only the email and the initial status when nothing else is known', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] })
    await testDestination.testAction('identify', {
      event: createTestEvent({ type: 'identify', traits: { email: 'bo@example.com' }, context: {} }),
      settings,
      useDefaultMappings: true
    })
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'bo@example.com', initial_status: 'unsubscribed' }] })
  })

  it('takes initial_status from the traits when they carry it', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] })
    await testDestination.testAction('identify', {
      event: createTestEvent({ type: 'identify', traits: { email: 'bo@example.com', initial_status: 'active' } }),
      settings,
      mapping: { email: { '@path': '$.traits.email' }, initial_status: { '@path': '$.traits.initial_status' } }
    })
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'bo@example.com', initial_status: 'active' }] })
  })

  it('follows a custom mapping', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] })
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

  it('leaves out an IP address that is neither IPv4 nor IPv6 instead of failing the person', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] })
    await testDestination.testAction('identify', {
      event: createTestEvent({ type: 'identify', traits: { email: 'di@example.com' }, context: { ip: 'not-an-ip' } }),
      settings,
      mapping: { email: { '@path': '$.traits.email' }, ip: { '@path': '$.context.ip' } }
    })
    expect(calls[0].body).toEqual({ subscribers: [{ email: 'di@example.com' }] })
  })

  it('accepts the API key pasted in the old pre-encoded form, with or without whitespace', async () => {
    for (const apiKey of [ENCODED_KEY, `  ${ENCODED_KEY}\n`, Buffer.from(`${API_TOKEN}:`).toString('base64')]) {
      const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{}] })
      await testDestination.testAction('identify', {
        event: createTestEvent({ type: 'identify', traits: { email: 'ed@example.com' } }),
        settings: { accountId: ACCOUNT_ID, apiKey },
        useDefaultMappings: true
      })
      expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
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

  it('batches subscribers to subscribers/batches with one result per payload', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers/batches`, 201, {})
    const responses = await testDestination.testBatchAction('identify', {
      events: [
        createTestEvent({ type: 'identify', traits: { email: 'g1@example.com', tags: 'a' }, context: {} }),
        createTestEvent({ type: 'identify', traits: { email: 'g2@example.com' }, context: {} })
      ],
      settings,
      useDefaultMappings: true
    })
    expect(responses).toHaveLength(1)
    expect(calls[0].path).toBe(`/v2/${ACCOUNT_ID}/subscribers/batches`)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].body).toEqual({
      batches: [
        {
          subscribers: [
            { email: 'g1@example.com', initial_status: 'unsubscribed', tags: ['a'] },
            { email: 'g2@example.com', initial_status: 'unsubscribed' }
          ]
        }
      ]
    })
  })
})
