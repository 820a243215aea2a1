import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import Destination from '../../index'
import type { Settings } from '../../generated-types'

const settings: Settings = {
  accountId: '2445926',
  apiKey: 'key'
}

const testDestination = createTestIntegration(Destination)

const DRIP = 'https://api.getdrip.com'

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.trackEvent', () => {
  // Upstream's case. Changed on purpose: Event Time is a new field, filled from the event's timestamp by default, so
  // Drip records the event when it happened rather than when it arrives.
  it('should track events', async () => {
    nock(DRIP).post('/v2/2445926/events').reply(200, {})

    const event = createTestEvent({
      event: 'Custom',
      properties: { fizz: 'buzz', email: 'test@example.com' }
    })

    const responses = await testDestination.testAction('trackEvent', {
      settings: settings,
      event: event,
      useDefaultMappings: true
    })

    const body = {
      events: [
        {
          email: 'test@example.com',
          action: 'Custom',
          properties: { fizz: 'buzz', email: 'test@example.com' },
          occurred_at: event.timestamp
        }
      ]
    }

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/events`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(JSON.stringify(body))
  })

  it('should track events with mappings', async () => {
    nock(DRIP).post('/v2/2445926/events').reply(200, {})

    const event = createTestEvent({
      event: 'Custom',
      traits: { properties: { fizz: 'buzz' } },
      properties: { email: 'foo@bar.com', action: 'Custom' }
    })

    const responses = await testDestination.testAction('trackEvent', {
      settings: settings,
      event: event,
      mapping: {
        action: {
          '@path': '$.properties.action'
        },
        email: {
          '@path': '$.properties.email'
        },
        properties: {
          '@path': '$.traits.properties'
        }
      }
    })

    const body = {
      events: [
        {
          email: 'foo@bar.com',
          action: 'Custom',
          properties: { fizz: 'buzz' }
        }
      ]
    }

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].options.body).toBe(JSON.stringify(body))
  })

  it("sends revenue as Drip's conversion value in the currency's smallest unit, with the time and prospect", async () => {
    nock(DRIP).post('/v2/2445926/events').reply(204)

    const responses = await testDestination.testAction('trackEvent', {
      settings,
      event: createTestEvent({
        event: 'Upgraded',
        timestamp: '2026-11-20T10:15:00+01:00',
        context: { traits: { email: 'ada@example.com' } },
        properties: { revenue: 4800, currency: 'JPY', plan: 'pro' }
      }),
      mapping: { prospect: true },
      useDefaultMappings: true
    })

    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      events: [
        {
          email: 'ada@example.com',
          action: 'Upgraded',
          properties: { revenue: 4800, currency: 'JPY', plan: 'pro', value: 4800 },
          occurred_at: '2026-11-20T09:15:00.000Z',
          prospect: true
        }
      ]
    })
  })

  it('leaves out what Drip cannot take, and the result says so', async () => {
    nock(DRIP).post('/v2/2445926/events').reply(204)

    await testDestination.testAction('trackEvent', {
      settings,
      event: createTestEvent({
        event: 'Signed Up',
        timestamp: '2026-02-30T10:00:00Z',
        properties: { email: 'ada@example.com', value: 'high', revenue: 12.345 }
      }),
      useDefaultMappings: true
    })

    expect(testDestination.results[2].data).toEqual({
      status: 204,
      sent: {
        email: 'ada@example.com',
        action: 'Signed Up',
        properties: { email: 'ada@example.com', revenue: 12.345, value: 1235 }
      },
      body: {},
      notes: [
        'Properties: "value" left out: Drip reads it as the conversion value, in whole cents.',
        'Conversion Value: 12.345 rounded to 12.35, as its currency has 2 decimals.',
        'Event Time left out: "2026-02-30T10:00:00Z" is not a real date and time between 1900 and 2099 (ISO-8601, ' +
          'RFC 2822, or epoch seconds or milliseconds after 2000).'
      ]
    })
  })

  it('refuses an event without a person, naming the field and where its default looked', async () => {
    await expect(
      testDestination.testAction('trackEvent', {
        settings,
        event: createTestEvent({ event: 'Signed Up', properties: {} }),
        mapping: { email: 'not-an-email' },
        useDefaultMappings: true
      })
    ).rejects.toThrow('Email Address: "not-an-email" is not a valid email address.')
    expect(testDestination.responses).toHaveLength(0)
  })

  describe('batches', () => {
    const events = (count: number) =>
      Array.from({ length: count }, (_, n) =>
        createTestEvent({
          event: 'Viewed',
          timestamp: '2026-11-20T10:15:00.000Z',
          properties: { email: `p${n}@example.com` }
        })
      )
    const sent = (n: number) => ({
      email: `p${n}@example.com`,
      action: 'Viewed',
      properties: { email: `p${n}@example.com` },
      occurred_at: '2026-11-20T10:15:00.000Z'
    })

    it('sends 72 or more events to the batch endpoint in one request', async () => {
      nock(DRIP).post('/v2/2445926/events/batches').reply(201, {})

      const responses = await testDestination.testBatchAction('trackEvent', {
        settings,
        events: events(72),
        useDefaultMappings: true
      })

      expect(responses.length).toBe(1)
      expect(responses[0].url).toBe(`${DRIP}/v2/2445926/events/batches`)
      expect(responses[0].options.body).toBe(
        JSON.stringify({ batches: [{ events: Array.from({ length: 72 }, (_, n) => sent(n)) }] })
      )
      expect(testDestination.results[0].multistatus).toEqual(
        Array.from({ length: 72 }, (_, n) => ({ status: 201, sent: sent(n), body: {} }))
      )
    })

    it("finds the event Drip refused a batch for: that one fails with Drip's message, the others are delivered", async () => {
      const refusal = {
        errors: [{ code: 'invalid_property', attribute: 'properties', message: 'Property is invalid' }]
      }
      nock(DRIP).post('/v2/2445926/events/batches').reply(422, refusal)
      // Drip does not say which event it refused: the batch is sent again one by one.
      nock(DRIP)
        .post('/v2/2445926/events', (body) => body.events[0].email === 'p5@example.com')
        .reply(422, refusal)
      nock(DRIP).post('/v2/2445926/events').times(71).reply(204)

      await testDestination.testBatchAction('trackEvent', { settings, events: events(72), useDefaultMappings: true })

      const results = testDestination.results[0].multistatus ?? []
      expect(results).toHaveLength(72)
      expect(results[5]).toEqual({
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'Drip refused the properties: Property is invalid [invalid_property]',
        sent: sent(5),
        errorreporter: 'DESTINATION'
      })
      expect(results.filter((result) => result.status === 204)).toHaveLength(71)
      expect(nock.isDone()).toBe(true)
    })

    it("gives every event of a small batch its own result: refused by the runtime, sent, and Drip's 429", async () => {
      nock(DRIP)
        .post('/v2/2445926/events', (body) => body.events[0].email === 'p1@example.com')
        .reply(204)
      nock(DRIP)
        .post('/v2/2445926/events', (body) => body.events[0].email === 'p2@example.com')
        .reply(429, { message: 'API rate limit exceeded' })

      const batch = events(3)
      batch[0] = createTestEvent({ event: '', properties: { email: 'p0@example.com' } })
      await testDestination.testBatchAction('trackEvent', { settings, events: batch, useDefaultMappings: true })

      const [refused, delivered, limited] = testDestination.results[0].multistatus ?? []
      expect(refused).toMatchObject({
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errorreporter: 'INTEGRATIONS'
      })
      expect(delivered).toEqual({ status: 204, sent: sent(1), body: {} })
      expect(limited).toEqual({
        status: 429,
        errortype: 'RETRYABLE_ERROR',
        errormessage: "Drip's hourly rate limit for this account was reached (429: API rate limit exceeded)",
        sent: sent(2),
        errorreporter: 'DESTINATION'
      })
    })
    it('refuses every event of a batch alike when the Account ID is not one, each with its own result', async () => {
      await testDestination.testBatchAction('trackEvent', {
        settings: { accountId: 'acme', apiKey: 'key' },
        events: events(2),
        useDefaultMappings: true
      })

      const refused = {
        status: 400,
        errortype: 'BAD_REQUEST',
        errormessage:
          "The Account ID setting must be your numeric Drip account id (the number after https://www.getdrip.com/ in Drip's " +
          'address bar), not a name, email or URL.',
        errorreporter: 'INTEGRATIONS'
      }
      expect(testDestination.results[0].multistatus).toEqual([refused, refused])
      expect(testDestination.responses).toHaveLength(0)
    })
  })

  describe("Drip's errors", () => {
    const track = () =>
      testDestination.testAction('trackEvent', {
        settings,
        event: createTestEvent({ event: 'Viewed', properties: { email: 'ada@example.com' } }),
        useDefaultMappings: true
      })

    it('401: the API key is refused', async () => {
      nock(DRIP).post('/v2/2445926/events').reply(401, 'Unauthorized')
      await expect(track()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'Drip rejected the API key (401: Unauthorized). Check the API Key setting.'
      })
    })

    it("422: the event is refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/events')
        .reply(422, { errors: [{ code: 'presence_error', attribute: 'action', message: 'Action must be present' }] })
      await expect(track()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the action: Action must be present [presence_error]'
      })
    })

    it("400: Drip could not read the request, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/events')
        .reply(400, { status: 400, error: 'There was a problem in the JSON you submitted' })
      await expect(track()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the request (400): There was a problem in the JSON you submitted'
      })
    })

    it('429: Drip is busy with the same person; retried', async () => {
      nock(DRIP)
        .post('/v2/2445926/events')
        .reply(429, { errors: [{ message: 'Too many concurrent requests for the same subscriber' }] })
      await expect(track()).rejects.toMatchObject({
        name: 'RetryableError',
        status: 429,
        message:
          'Drip is busy with another update of the same person; retry shortly (429: Too many concurrent requests ' +
          'for the same subscriber)'
      })
    })
  })
})
