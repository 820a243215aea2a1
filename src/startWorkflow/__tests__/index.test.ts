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

  describe('onMappingSave: the workflow is read when the mapping is saved', () => {
    const workflow = (status: string) => ({ workflows: [{ id: '555', name: 'Trial', status }] })
    const save = (hookInputs: { id: string; activate?: boolean }) =>
      testDestination.actions.startWorkflow.executeHook('onMappingSave', { settings, payload: {}, hookInputs })

    it('keeps an active workflow with its name', async () => {
      nock(DRIP).get('/v2/2445926/workflows/555').reply(200, workflow('active'))
      await expect(save({ id: '555' })).resolves.toEqual({
        successMessage: 'Workflow "Trial" (555) is active: people this mapping sends start it.',
        savedData: { id: '555', name: 'Trial', status: 'active' }
      })
    })

    it('warns about a draft workflow by its name, or activates it when the admin ticks that', async () => {
      nock(DRIP).get('/v2/2445926/workflows/555').times(2).reply(200, workflow('draft'))
      const activated = nock(DRIP).post('/v2/2445926/workflows/555/activate').reply(204)

      await expect(save({ id: '555' })).resolves.toEqual({
        successMessage:
          'Warning: Workflow "Trial" (555) is draft, not active. Drip takes people for it and does nothing with ' +
          'them, so nobody this mapping sends gets its emails until it is active. Activate it in Drip, or save ' +
          'again with "Activate It If It Is Not Active" ticked.',
        savedData: { id: '555', name: 'Trial', status: 'draft' }
      })
      await expect(save({ id: '555', activate: true })).resolves.toEqual({
        successMessage: 'Workflow "Trial" (555) was draft; it is now active, so people this mapping sends start it.',
        savedData: { id: '555', name: 'Trial', status: 'active' }
      })
      expect(activated.isDone()).toBe(true)
    })

    it('refuses a workflow the account does not have, and an id that cannot be one path segment', async () => {
      nock(DRIP)
        .get('/v2/2445926/workflows/9')
        .reply(404, { errors: [{ code: 'not_found_error', message: 'Not found' }] })

      await expect(save({ id: '9' })).resolves.toEqual({
        error: {
          message:
            'Workflow 9: Drip account 2445926 has none by that id, so this mapping would send people nowhere. ' +
            'Pick one from the Workflow list.',
          code: 'NOT_FOUND'
        }
      })
      await expect(save({ id: '../tags' })).resolves.toMatchObject({ error: { code: 'INVALID_ID' } })
    })

    it('perform sends to the saved workflow when the mapping names none, noting it was not active', async () => {
      nock(DRIP)
        .post('/v2/2445926/workflows/555/subscribers', {
          subscribers: [{ email: 'ada@example.com', user_id: 'user1234', time_zone: 'UTC' }]
        })
        .reply(200, {})

      await testDestination.testAction('startWorkflow', {
        settings,
        event: trialStarted(),
        mapping: { onMappingSave: { inputs: { id: '555' }, outputs: { id: '555', name: 'Trial', status: 'paused' } } },
        useDefaultMappings: true
      })

      expect(testDestination.results[2].data).toMatchObject({
        status: 200,
        notes: [
          'Workflow "Trial" (555) was paused when this mapping was saved: Drip does nothing with people for it until it is active.'
        ]
      })
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
