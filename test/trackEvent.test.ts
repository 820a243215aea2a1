import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import definition from '../src'
import { ACCOUNT_ID, API_TOKEN, basicUser, intercept, settings } from './helpers'

const testDestination = createTestIntegration(definition)

afterEach(() => nock.cleanAll())

describe('trackEvent', () => {
  it('records one event from the default mapping', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/events`, 204)
    await testDestination.testAction('trackEvent', {
      event: createTestEvent({
        type: 'track',
        event: 'Order Completed',
        properties: { email: 'ada@example.com', order_id: 'o-1', total: 12.5 }
      }),
      settings,
      useDefaultMappings: true
    })
    expect(calls).toHaveLength(1)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].headers['content-type']).toBe('application/json')
    expect(calls[0].body).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Order Completed',
          properties: { email: 'ada@example.com', order_id: 'o-1', total: 12.5 }
        }
      ]
    })
  })

  it("falls back to the email in context.traits when properties don't carry one", async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/events`, 204)
    await testDestination.testAction('trackEvent', {
      event: createTestEvent({
        type: 'track',
        event: 'Logged In',
        properties: {},
        context: { traits: { email: 'bo@example.com' } }
      }),
      settings,
      useDefaultMappings: true
    })
    expect(calls[0].body).toEqual({ events: [{ email: 'bo@example.com', action: 'Logged In', properties: {} }] })
  })

  it('follows a custom mapping', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/events`, 204)
    await testDestination.testAction('trackEvent', {
      event: createTestEvent({ type: 'track', event: 'x', userId: 'u-1', properties: { who: 'cy@example.com' } }),
      settings,
      mapping: {
        action: 'Signed up (Segment)',
        email: { '@path': '$.properties.who' },
        properties: { user: { '@path': '$.userId' } }
      }
    })
    expect(calls[0].body).toEqual({
      events: [{ email: 'cy@example.com', action: 'Signed up (Segment)', properties: { user: 'u-1' } }]
    })
  })

  it('rejects an event without an email, naming the field, before sending', async () => {
    await expect(
      testDestination.testAction('trackEvent', {
        event: createTestEvent({ type: 'track', event: 'x', properties: {}, context: { traits: {} } }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow("The root value is missing the required field 'email'.")
  })

  it('rejects a blank action name, naming the field', async () => {
    await expect(
      testDestination.testAction('trackEvent', {
        event: createTestEvent({ type: 'track', event: '   ', properties: { email: 'dd@example.com' } }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow(/Action: the event name is empty/)
  })
})
