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

const trialEnded = () => createTestEvent({ event: 'Trial Ended', properties: { email: 'ada@example.com' } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.removeFromWorkflow', () => {
  it('takes the person off the workflow with the default mappings', async () => {
    nock(DRIP).delete('/v2/2445926/workflows/555/subscribers/ada%40example.com').reply(204)

    const responses = await testDestination.testAction('removeFromWorkflow', {
      settings,
      event: trialEnded(),
      mapping: { workflow_id: '555' },
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].options.method).toBe('DELETE')
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/workflows/555/subscribers/ada%40example.com`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(testDestination.results[2].data).toEqual({
      status: 204,
      sent: { email: 'ada@example.com', workflow_id: '555' },
      body: {}
    })
  })

  it('counts a person who is not on the workflow as removed already', async () => {
    nock(DRIP)
      .delete('/v2/2445926/workflows/555/subscribers/ada%40example.com')
      .reply(404, { errors: [{ code: 'not_found_error', message: 'Not found' }] })

    await testDestination.testAction('removeFromWorkflow', {
      settings,
      event: trialEnded(),
      mapping: { workflow_id: '555' },
      useDefaultMappings: true
    })

    expect(testDestination.results[2].data).toMatchObject({
      status: 404,
      body: { note: 'Drip did not have it: nothing to remove' }
    })
  })

  it('refuses a workflow that would leave its place in the URL, and an empty one', async () => {
    await expect(
      testDestination.testAction('removeFromWorkflow', {
        settings,
        event: trialEnded(),
        mapping: { workflow_id: '%2e%2e' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Workflow: "%2e%2e" cannot be sent to Drip: it reads as "\.\."/)
    await expect(
      testDestination.testAction('removeFromWorkflow', { settings, event: trialEnded(), useDefaultMappings: true })
    ).rejects.toThrow("Workflow: empty. Pick the workflow; its list shows the account's active ones.")
    expect(testDestination.responses).toHaveLength(0)
  })

  describe("Drip's errors", () => {
    const remove = () =>
      testDestination.testAction('removeFromWorkflow', {
        settings,
        event: trialEnded(),
        mapping: { workflow_id: '555' },
        useDefaultMappings: true
      })

    it('401: the API key is refused', async () => {
      nock(DRIP).delete('/v2/2445926/workflows/555/subscribers/ada%40example.com').reply(401, {})
      await expect(remove()).rejects.toMatchObject({ name: 'InvalidAuthenticationError' })
    })

    it("422: refused, with Drip's message", async () => {
      nock(DRIP)
        .delete('/v2/2445926/workflows/555/subscribers/ada%40example.com')
        .reply(422, { errors: [{ code: 'state_error', message: 'Workflow is not active' }] })
      await expect(remove()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the request: Workflow is not active [state_error]'
      })
    })

    it('429 and 5xx: retried later', async () => {
      nock(DRIP).delete('/v2/2445926/workflows/555/subscribers/ada%40example.com').reply(429, {})
      await expect(remove()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
      nock(DRIP).delete('/v2/2445926/workflows/555/subscribers/ada%40example.com').reply(503, 'Service Unavailable')
      await expect(remove()).rejects.toMatchObject({
        name: 'RetryableError',
        status: 503,
        message: 'Drip answered 503: Service Unavailable'
      })
    })
  })

  it("lists the account's active workflows to pick from", async () => {
    nock(DRIP)
      .get('/v2/2445926/workflows')
      .query({ page: '1', per_page: '100', status: 'active' })
      .reply(200, { workflows: [{ id: 555, name: 'Trial', status: 'active' }] })

    const picked = await testDestination.testDynamicField('removeFromWorkflow', 'workflow_id', {
      settings,
      payload: {}
    })

    expect(picked).toEqual({ choices: [{ label: 'Trial', value: '555', description: 'active' }] })
  })
})
