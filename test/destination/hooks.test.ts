import nock from 'nock'
import { defaultValues } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, API_TOKEN, basicUser, intercept, runtime, settings, segmentEvent } from '../helpers'

// Saving a mapping that would do nothing is caught then: the runtime's hook entry point (an action's executeHook, as
// Segment's mapping editor calls it) reads the chosen workflow or Email Series from Drip; a missing one is refused, an
// inactive one reported by its name (or activated, if the admin ticks that); what was saved is what perform uses.

afterEach(() => nock.cleanAll())

const base = `/v2/${ACCOUNT_ID}`
const save = (action: string, hookType: 'onMappingSave' | 'retlOnMappingSave', hookInputs: JSONObject) =>
  runtime().actions[action].executeHook(hookType, { settings, payload: {}, hookInputs })

const workflow = (status: string) => ({
  workflows: [{ id: '2002', name: 'Abandoned Cart', status, href: 'https://api.getdrip.com/v2/1234567/workflows/2002' }]
})
const series = (status: string) => ({ campaigns: [{ id: '1002', name: 'Winback', status }] })

describe('Start Workflow: onMappingSave', () => {
  it('keeps an active workflow with its name', async () => {
    const seen = intercept('get', `${base}/workflows/2002`, 200, workflow('active'))
    await expect(save('startWorkflow', 'onMappingSave', { id: '2002' })).resolves.toEqual({
      successMessage: 'Workflow "Abandoned Cart" (2002) is active: people this mapping sends start it.',
      savedData: { id: '2002', name: 'Abandoned Cart', status: 'active' }
    })
    expect(seen.map((call) => [call.method, call.path])).toEqual([['GET', `${base}/workflows/2002`]])
    expect(basicUser(seen[0].headers.authorization)).toBe(API_TOKEN)
  })

  it('warns about an inactive workflow by its name, and keeps it', async () => {
    intercept('get', `${base}/workflows/2002`, 200, workflow('draft'))
    await expect(save('startWorkflow', 'onMappingSave', { id: '2002' })).resolves.toEqual({
      successMessage:
        'Warning: Workflow "Abandoned Cart" (2002) is draft, not active. Drip takes people for it and does nothing ' +
        'with them, so nobody this mapping sends gets its emails until it is active. Activate it in Drip, or save ' +
        'again with "Activate It If It Is Not Active" ticked.',
      savedData: { id: '2002', name: 'Abandoned Cart', status: 'draft' }
    })
  })

  it('activates an inactive workflow when the admin ticks that', async () => {
    intercept('get', `${base}/workflows/2002`, 200, workflow('paused'))
    const activated = intercept('post', `${base}/workflows/2002/activate`, 204)
    await expect(save('startWorkflow', 'onMappingSave', { id: '2002', activate: true })).resolves.toEqual({
      successMessage:
        'Workflow "Abandoned Cart" (2002) was paused; it is now active, so people this mapping sends start it.',
      savedData: { id: '2002', name: 'Abandoned Cart', status: 'active' }
    })
    expect(activated.map((call) => [call.method, call.path])).toEqual([['POST', `${base}/workflows/2002/activate`]])
  })

  it('refuses a workflow the account does not have', async () => {
    intercept('get', `${base}/workflows/9`, 404, { errors: [{ code: 'not_found_error', message: 'Not found' }] })
    await expect(save('startWorkflow', 'onMappingSave', { id: '9' })).resolves.toEqual({
      error: {
        message:
          'Workflow 9: Drip account 1234567 has none by that id, so this mapping would send people nowhere. Pick one ' +
          'from the Workflow list.',
        code: 'NOT_FOUND'
      }
    })
  })

  it('refuses an id that cannot be one path segment, asking Drip nothing', async () => {
    await expect(save('startWorkflow', 'onMappingSave', { id: '../tags' })).resolves.toEqual({
      error: {
        message:
          'Workflow: "../tags" cannot be sent to Drip: it contains "/", and this value goes into the request\'s URL, ' +
          'where it must stay one literal part of the path.',
        code: 'INVALID_ID'
      }
    })
  })

  it('perform uses the saved workflow when the mapping names none, and notes it was inactive', async () => {
    const started = intercept('post', `${base}/workflows/2002/subscribers`, 201, { subscribers: [{ id: 'p1' }] })
    const results = await runtime().onEvent(
      segmentEvent({ type: 'track', event: 'Trial Started', properties: { email: 'ada@example.com' } }),
      {
        ...settings,
        subscriptions: [
          {
            partnerAction: 'startWorkflow',
            subscribe: 'type = "track"',
            mapping: {
              ...defaultValues(definition.actions.startWorkflow.fields),
              onMappingSave: {
                inputs: { id: '2002' },
                outputs: { id: '2002', name: 'Abandoned Cart', status: 'draft' }
              }
            }
          }
        ]
      } as unknown as JSONObject
    )
    expect(started.map((call) => call.body)).toEqual([{ subscribers: [{ email: 'ada@example.com' }] }])
    const executed = (results as Array<{ output?: string; data?: { notes?: string[] } }>).find(
      (r) => r.output === 'Action Executed'
    )
    expect(executed?.data?.notes).toEqual([
      'Workflow "Abandoned Cart" (2002) was draft when this mapping was saved: Drip does nothing with people for it until it is active.'
    ])
  })
})

describe('Subscribe to Email Series: onMappingSave', () => {
  it('warns about a paused Email Series by its name', async () => {
    intercept('get', `${base}/campaigns/1002`, 200, series('paused'))
    const saved = await save('subscribeToCampaign', 'onMappingSave', { id: '1002' })
    expect(saved.successMessage).toBe(
      'Warning: Email Series "Winback" (1002) is paused, not active. Drip takes people for it and does nothing with ' +
        'them, so nobody this mapping sends gets its emails until it is active. Activate it in Drip, or save again ' +
        'with "Activate It If It Is Not Active" ticked.'
    )
    expect(saved.savedData).toEqual({ id: '1002', name: 'Winback', status: 'paused' })
  })

  it('refuses a missing Email Series, and activates a paused one when asked', async () => {
    intercept('get', `${base}/campaigns/7`, 404, { errors: [{ code: 'not_found_error', message: 'Not found' }] })
    await expect(save('subscribeToCampaign', 'onMappingSave', { id: '7' })).resolves.toEqual({
      error: {
        message:
          'Email Series 7: Drip account 1234567 has none by that id, so this mapping would send people nowhere. Pick ' +
          'one from the Email Series list.',
        code: 'NOT_FOUND'
      }
    })
    intercept('get', `${base}/campaigns/1002`, 200, series('draft'))
    const activated = intercept('post', `${base}/campaigns/1002/activate`, 204)
    const saved = await save('subscribeToCampaign', 'onMappingSave', { id: '1002', activate: true })
    expect(saved.savedData).toEqual({ id: '1002', name: 'Winback', status: 'active' })
    expect(activated).toHaveLength(1)
  })

  it("gives Drip's refusal to activate as the hook's error", async () => {
    intercept('get', `${base}/campaigns/1002`, 200, series('draft'))
    intercept('post', `${base}/campaigns/1002/activate`, 422, {
      errors: [{ code: 'activation_error', attribute: 'campaign', message: 'Campaign has no emails' }]
    })
    await expect(save('subscribeToCampaign', 'onMappingSave', { id: '1002', activate: true })).resolves.toEqual({
      error: {
        message: 'Drip refused the campaign: Campaign has no emails [activation_error]',
        code: 'PAYLOAD_VALIDATION_FAILED'
      }
    })
  })
})

describe('Sync Audience: retlOnMappingSave picks or creates the tag for a warehouse model', () => {
  it('an existing tag', async () => {
    intercept('get', `${base}/tags`, 200, { tags: ['Customer', 'trial-step-3'] })
    await expect(save('syncAudience', 'retlOnMappingSave', { tag: 'trial-step-3' })).resolves.toEqual({
      successMessage: 'Rows of this model get the tag "trial-step-3", which the account already has.',
      savedData: { tag: 'trial-step-3' }
    })
  })

  it('a new tag, which Drip creates when the first row applies it', async () => {
    intercept('get', `${base}/tags`, 200, { tags: ['Customer'] })
    await expect(save('syncAudience', 'retlOnMappingSave', { tag: ' trial-step-4 ' })).resolves.toEqual({
      successMessage:
        'Rows of this model get the tag "trial-step-4", new to this account: Drip creates it when the first row applies it.',
      savedData: { tag: 'trial-step-4' }
    })
  })

  it('refuses a tag that would be two', async () => {
    await expect(save('syncAudience', 'retlOnMappingSave', { tag: 'a,b' })).resolves.toEqual({
      error: { message: 'Tag: "a,b" holds a comma, which Drip would read as two tags.', code: 'INVALID_TAG' }
    })
  })
})
