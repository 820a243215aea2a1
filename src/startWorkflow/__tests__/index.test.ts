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

const trialStarted = () =>
  createTestEvent({ event: 'Trial Started', context: { traits: { email: 'ada@example.com' }, timezone: 'UTC' } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.startWorkflow', () => {
  it('starts the person on the workflow with the default mappings', async () => {
    nock(DRIP)
      .post('/v2/2445926/workflows/555/subscribers')
      .reply(200, { subscribers: [{ id: 'z1' }] })

    const responses = await testDestination.testAction('startWorkflow', {
      settings,
      event: trialStarted(),
      mapping: { workflow_id: '555' },
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/workflows/555/subscribers`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(
      JSON.stringify({ subscribers: [{ email: 'ada@example.com', user_id: 'user1234', time_zone: 'UTC' }] })
    )
    expect(testDestination.results[2].data).toEqual({
      status: 200,
      sent: { email: 'ada@example.com', user_id: 'user1234', time_zone: 'UTC' },
      body: { subscribers: [{ id: 'z1' }] }
    })
  })

  it('sends every field of the person when mapped', async () => {
    nock(DRIP).post('/v2/2445926/workflows/555/subscribers').reply(200, {})

    const responses = await testDestination.testAction('startWorkflow', {
      settings,
      event: trialStarted(),
      mapping: {
        workflow_id: '555',
        first_name: ' Ada ',
        last_name: 'Lovelace',
        custom_fields: { plan: 'trial' },
        tags: ['trial'],
        prospect: false
      },
      useDefaultMappings: true
    })

    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          user_id: 'user1234',
          time_zone: 'UTC',
          first_name: 'Ada',
          last_name: 'Lovelace',
          custom_fields: { plan: 'trial' },
          tags: ['trial'],
          prospect: false
        }
      ]
    })
  })

  it('refuses a person without a workflow, or without an email', async () => {
    await expect(
      testDestination.testAction('startWorkflow', { settings, event: trialStarted(), useDefaultMappings: true })
    ).rejects.toThrow("Workflow: empty. Pick the workflow; its list shows the account's active ones.")
    await expect(
      testDestination.testAction('startWorkflow', {
        settings,
        event: createTestEvent({ event: 'Trial Started' }),
        mapping: { workflow_id: '555' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Email Address: empty\. The default looks in properties\.email, then context\.traits\.email/)
    expect(testDestination.responses).toHaveLength(0)
  })

  describe("Drip's errors", () => {
    const start = (workflow_id = '555') =>
      testDestination.testAction('startWorkflow', {
        settings,
        event: trialStarted(),
        mapping: { workflow_id },
        useDefaultMappings: true
      })

    it('404: no such workflow, and where to pick one', async () => {
      nock(DRIP)
        .post('/v2/2445926/workflows/9%209/subscribers')
        .reply(404, { errors: [{ code: 'not_found_error', message: 'Not found' }] })
      await expect(start('9 9')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message:
          "Drip has no workflow 9 9 in account 2445926 (404: Not found). Pick one in Workflow: its list shows the account's active ones."
      })
    })

    it('401: the API key is refused', async () => {
      nock(DRIP).post('/v2/2445926/workflows/555/subscribers').reply(401, {})
      await expect(start()).rejects.toMatchObject({ name: 'InvalidAuthenticationError' })
    })

    it("422: refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/workflows/555/subscribers')
        .reply(422, { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] })
      await expect(start()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the email: Email is invalid [email_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post('/v2/2445926/workflows/555/subscribers').reply(429, {})
      await expect(start()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })

  it("lists the account's active workflows to pick from", async () => {
    nock(DRIP)
      .get('/v2/2445926/workflows')
      .query({ page: '1', per_page: '100', status: 'active' })
      .reply(200, { workflows: [{ id: 555, name: 'Trial', status: 'active' }] })

    const picked = await testDestination.testDynamicField('startWorkflow', 'workflow_id', { settings, payload: {} })

    expect(picked).toEqual({ choices: [{ label: 'Trial', value: '555', description: 'active' }] })
  })
})
