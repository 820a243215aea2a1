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

const userUnsubscribed = (email = 'ada@example.com') =>
  createTestEvent({ event: 'User Unsubscribed', properties: { email } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.unsubscribe', () => {
  it('unsubscribes the person from all mailings with the default mappings', async () => {
    nock(DRIP).post('/v2/2445926/subscribers/ada%40example.com/unsubscribe_all').reply(200, { subscribers: [] })

    const responses = await testDestination.testAction('unsubscribe', {
      settings,
      event: userUnsubscribed(),
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/subscribers/ada%40example.com/unsubscribe_all`)
    expect(responses[0].options.method).toBe('POST')
    expect(responses[0].options.body).toBeUndefined()
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(testDestination.results[2].data).toEqual({
      status: 200,
      sent: { email: 'ada@example.com' },
      body: { subscribers: [] }
    })
  })

  it('removes the person from one Email Series only, when Unsubscribe From says so', async () => {
    const scope = nock(DRIP).post('/v2/2445926/subscribers/ada%40example.com/remove?campaign_id=8123').reply(200, {})

    await testDestination.testAction('unsubscribe', {
      settings,
      event: userUnsubscribed(),
      mapping: { unsubscribe_from: 'email_series', campaign_id: '8123' },
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
    expect(testDestination.results[2].data).toMatchObject({ sent: { email: 'ada@example.com', campaign_id: '8123' } })
  })

  it('refuses One Email Series without a series, rather than unsubscribing from every mailing', async () => {
    await expect(
      testDestination.testAction('unsubscribe', {
        settings,
        event: userUnsubscribed(),
        mapping: { unsubscribe_from: 'email_series' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Email Series: empty\. Unsubscribe From is One Email Series/)
    expect(testDestination.responses).toHaveLength(0)
  })

  it('sends 72 or more unsubscribes to the batch endpoint in one request', async () => {
    nock(DRIP).post('/v2/2445926/unsubscribes/batches').reply(204)
    const events = Array.from({ length: 72 }, (_, n) => userUnsubscribed(`p${n}@example.com`))

    const responses = await testDestination.testBatchAction('unsubscribe', {
      settings,
      events,
      useDefaultMappings: true
    })

    const subscribers = Array.from({ length: 72 }, (_, n) => ({ email: `p${n}@example.com` }))
    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/unsubscribes/batches`)
    expect(responses[0].options.body).toBe(JSON.stringify({ batches: [{ subscribers }] }))
    expect(testDestination.results[0].multistatus?.[71]).toEqual({ status: 204, sent: subscribers[71], body: {} })
  })

  it('sends a batch for one Email Series person by person (Drip has no batch for it), each with its own result', async () => {
    nock(DRIP)
      .post('/v2/2445926/subscribers/p1%40example.com/remove?campaign_id=8123')
      .reply(404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] })
    nock(DRIP)
      .post((uri) => uri.endsWith('/remove?campaign_id=8123'))
      .times(71)
      .reply(200, {})
    const events = Array.from({ length: 72 }, (_, n) => userUnsubscribed(`p${n}@example.com`))

    const responses = await testDestination.testBatchAction('unsubscribe', {
      settings,
      events,
      mapping: { unsubscribe_from: 'email_series', campaign_id: '8123' },
      useDefaultMappings: true
    })

    expect(responses).toHaveLength(72)
    const results = testDestination.results[0].multistatus ?? []
    expect(results[0]).toEqual({ status: 200, sent: { email: 'p0@example.com', campaign_id: '8123' }, body: {} })
    expect(results[1]).toEqual({
      status: 404,
      errortype: 'NOT_FOUND',
      errormessage:
        'Drip has no person p1@example.com in account 2445926 (404: The resource you requested was not found).',
      sent: { email: 'p1@example.com', campaign_id: '8123' },
      errorreporter: 'DESTINATION'
    })
    expect(results.filter((result) => result.status === 200)).toHaveLength(71)
  })

  describe("Drip's errors", () => {
    const unsubscribe = () =>
      testDestination.testAction('unsubscribe', { settings, event: userUnsubscribed(), useDefaultMappings: true })

    it('401: the API key is refused', async () => {
      nock(DRIP).post('/v2/2445926/subscribers/ada%40example.com/unsubscribe_all').reply(401, {})
      await expect(unsubscribe()).rejects.toMatchObject({ name: 'InvalidAuthenticationError' })
    })

    it("422: refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/subscribers/ada%40example.com/unsubscribe_all')
        .reply(422, {
          errors: [{ code: 'email_error', attribute: 'email', message: 'Email must be a valid email address' }]
        })
      await expect(unsubscribe()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the email: Email must be a valid email address [email_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post('/v2/2445926/subscribers/ada%40example.com/unsubscribe_all').reply(429, {})
      await expect(unsubscribe()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })

  it("lists the account's Email Series to pick from", async () => {
    nock(DRIP)
      .get('/v2/2445926/campaigns')
      .query({ page: '1', per_page: '100' })
      .reply(200, { campaigns: [{ id: 8123, name: 'Welcome', status: 'active' }], meta: { total_pages: 1 } })

    const picked = await testDestination.testDynamicField('unsubscribe', 'campaign_id', { settings, payload: {} })

    expect(picked).toEqual({ choices: [{ label: 'Welcome', value: '8123', description: 'active' }] })
  })
})
