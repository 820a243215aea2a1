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

const signedUp = () => createTestEvent({ event: 'Newsletter Signup', properties: { email: 'ada@example.com' } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.subscribeToCampaign', () => {
  it('subscribes the person to the Email Series with the default mappings', async () => {
    nock(DRIP)
      .post('/v2/2445926/campaigns/8123/subscribers')
      .reply(200, { subscribers: [{ id: 'z1' }] })

    const responses = await testDestination.testAction('subscribeToCampaign', {
      settings,
      event: signedUp(),
      mapping: { campaign_id: '8123' },
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/campaigns/8123/subscribers`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(
      JSON.stringify({
        subscribers: [{ email: 'ada@example.com', user_id: 'user1234', time_zone: 'Europe/Amsterdam' }]
      })
    )
  })

  it('sends every field of the subscription when mapped', async () => {
    nock(DRIP).post('/v2/2445926/campaigns/8123/subscribers').reply(200, {})

    const responses = await testDestination.testAction('subscribeToCampaign', {
      settings,
      event: signedUp(),
      mapping: {
        campaign_id: '8123',
        double_optin: false,
        starting_email_index: 2,
        reactivate_if_removed: true,
        custom_fields: { source: 'footer', seats: 3 },
        tags: 'newsletter, footer',
        prospect: true
      },
      useDefaultMappings: true
    })

    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          user_id: 'user1234',
          time_zone: 'Europe/Amsterdam',
          double_optin: false,
          starting_email_index: 2,
          reactivate_if_removed: true,
          custom_fields: { source: 'footer', seats: '3' },
          tags: ['newsletter', 'footer'],
          prospect: true
        }
      ]
    })
  })

  it('refuses a subscription without an Email Series, or with one that would leave its place in the URL', async () => {
    await expect(
      testDestination.testAction('subscribeToCampaign', { settings, event: signedUp(), useDefaultMappings: true })
    ).rejects.toThrow(
      'Email Series: empty. Pick the Email Series to subscribe people to; its list shows the active ones.'
    )
    await expect(
      testDestination.testAction('subscribeToCampaign', {
        settings,
        event: signedUp(),
        mapping: { campaign_id: '8123?x=1' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Email Series: "8123\?x=1" cannot be sent to Drip: it contains "\?"/)
    expect(testDestination.responses).toHaveLength(0)
  })

  describe("Drip's errors", () => {
    const subscribe = (campaign_id = '8123') =>
      testDestination.testAction('subscribeToCampaign', {
        settings,
        event: signedUp(),
        mapping: { campaign_id },
        useDefaultMappings: true
      })

    it('404: no such Email Series, and where to pick one', async () => {
      nock(DRIP)
        .post('/v2/2445926/campaigns/999/subscribers')
        .reply(404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] })
      await expect(subscribe('999')).rejects.toMatchObject({
        name: 'IntegrationError',
        code: 'NOT_FOUND',
        status: 404,
        message:
          'Drip has no Email Series 999 in account 2445926 (404: The resource you requested was not found). Pick one ' +
          "in Email Series: its list shows the account's."
      })
    })

    it('401: the API key is refused', async () => {
      nock(DRIP).post('/v2/2445926/campaigns/8123/subscribers').reply(401, {})
      await expect(subscribe()).rejects.toMatchObject({ name: 'InvalidAuthenticationError' })
    })

    it("422: refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/campaigns/8123/subscribers')
        .reply(422, { errors: [{ code: 'state_error', message: 'Campaign is not active' }] })
      await expect(subscribe()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the request: Campaign is not active [state_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post('/v2/2445926/campaigns/8123/subscribers').reply(429, {})
      await expect(subscribe()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })

  describe('onMappingSave: the Email Series is read when the mapping is saved', () => {
    const save = (hookInputs: { id: string; activate?: boolean }) =>
      testDestination.actions.subscribeToCampaign.executeHook('onMappingSave', { settings, payload: {}, hookInputs })

    it('warns about a paused Email Series by its name, and activates it when the admin ticks that', async () => {
      nock(DRIP)
        .get('/v2/2445926/campaigns/1002')
        .times(2)
        .reply(200, { campaigns: [{ id: '1002', name: 'Winback', status: 'paused' }] })
      const activated = nock(DRIP).post('/v2/2445926/campaigns/1002/activate').reply(204)

      await expect(save({ id: '1002' })).resolves.toEqual({
        successMessage:
          'Warning: Email Series "Winback" (1002) is paused, not active. Drip takes people for it and does nothing ' +
          'with them, so nobody this mapping sends gets its emails until it is active. Activate it in Drip, or save ' +
          'again with "Activate It If It Is Not Active" ticked.',
        savedData: { id: '1002', name: 'Winback', status: 'paused' }
      })
      await expect(save({ id: '1002', activate: true })).resolves.toMatchObject({
        savedData: { id: '1002', name: 'Winback', status: 'active' }
      })
      expect(activated.isDone()).toBe(true)
    })

    it("gives Drip's refusal to activate as the hook's error", async () => {
      nock(DRIP)
        .get('/v2/2445926/campaigns/1002')
        .reply(200, { campaigns: [{ id: '1002', name: 'Winback', status: 'draft' }] })
      nock(DRIP)
        .post('/v2/2445926/campaigns/1002/activate')
        .reply(422, {
          errors: [{ code: 'activation_error', attribute: 'campaign', message: 'Campaign has no emails' }]
        })

      await expect(save({ id: '1002', activate: true })).resolves.toEqual({
        error: {
          message: 'Drip refused the campaign: Campaign has no emails [activation_error]',
          code: 'PAYLOAD_VALIDATION_FAILED'
        }
      })
    })

    it('perform sends to the Email Series the mapping named, over the saved one', async () => {
      const scope = nock(DRIP).post('/v2/2445926/campaigns/77/subscribers').reply(200, {})

      await testDestination.testAction('subscribeToCampaign', {
        settings,
        event: signedUp(),
        mapping: {
          campaign_id: '77',
          onMappingSave: { inputs: { id: '1002' }, outputs: { id: '1002', name: 'Winback', status: 'paused' } }
        },
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(testDestination.results[2].data).not.toHaveProperty('notes')
    })
  })

  it("lists the account's active Email Series to pick from; a Drip error comes back as the picker's message", async () => {
    nock(DRIP)
      .get('/v2/2445926/campaigns')
      .query({ page: '2', per_page: '100', status: 'active' })
      .reply(200, { campaigns: [{ id: 8123, name: 'Welcome', status: 'active' }], meta: { total_pages: 2 } })

    expect(
      await testDestination.testDynamicField('subscribeToCampaign', 'campaign_id', { settings, payload: {}, page: '2' })
    ).toEqual({ choices: [{ label: 'Welcome', value: '8123', description: 'active' }] })

    nock(DRIP).get('/v2/2445926/campaigns').query(true).reply(401, {})
    expect(
      await testDestination.testDynamicField('subscribeToCampaign', 'campaign_id', { settings, payload: {} })
    ).toEqual({
      choices: [],
      error: { message: 'Drip rejected the API key (401: {}). Check the API Key setting.', code: '401' }
    })
  })
})
