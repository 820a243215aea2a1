import nock from 'nock'
import { defaultValues, Destination } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, drip, intercept, runtime, runtimeSettings, segmentEvent } from '../helpers'
import { audience } from '../fixtures/segment-events'
import { useSimulator } from '../simulated'

// Tags from Engage audiences, unsubscribes, deletion (the presets and onDelete), Email Series and workflows, and the
// pickers: exact requests through the runtime (nock), then what Drip holds afterwards (the simulator).

afterEach(() => nock.cleanAll())

const base = `/v2/${ACCOUNT_ID}`
const track = (event: string, properties: JSONObject = {}) =>
  segmentEvent({ type: 'track', event, properties: { email: 'a+b@example.com', ...properties } })

/** A subscription to one action, its mapping the action's defaults with `changes` over them. */
const subscription = (action: string, subscribe: string, changes: JSONObject = {}) =>
  ({
    ...runtimeSettings(),
    subscriptions: [
      { partnerAction: action, subscribe, mapping: { ...defaultValues(definition.actions[action].fields), ...changes } }
    ]
  }) as unknown as JSONObject

describe('the presets, exact requests', () => {
  it("Audience Entered tags the person with the audience's key; Audience Exited removes it (URL-encoded)", async () => {
    const added = intercept('post', `${base}/tags`, 201, {})
    await runtime().onEvent(audience('Audience Entered'), runtimeSettings())
    expect(added[0].body).toEqual({ tags: [{ email: 'a+b@example.com', tag: 'vip_customers' }] })

    const removed = nock('https://api.getdrip.com')
      .delete(`${base}/subscribers/a%2Bb%40example.com/tags/vip_customers`)
      .reply(204)
    await runtime().onEvent(audience('Audience Exited'), runtimeSettings())
    expect(removed.isDone()).toBe(true)
  })

  it('User Unsubscribed unsubscribes from all mailings; User Deleted deletes; neither is also a v2 event', async () => {
    const events = nock('https://api.getdrip.com').post(`${base}/events`).reply(204)
    const unsubscribed = intercept('post', `${base}/subscribers/a%2Bb%40example.com/unsubscribe_all`, 200, {
      subscribers: [{ email: 'a+b@example.com' }]
    })
    await runtime().onEvent(track('User Unsubscribed'), runtimeSettings())
    expect(unsubscribed).toHaveLength(1)
    const deleted = nock('https://api.getdrip.com').delete(`${base}/subscribers/a%2Bb%40example.com`).reply(204)
    await runtime().onEvent(track('User Deleted'), runtimeSettings())
    expect(deleted.isDone()).toBe(true)
    expect(events.isDone()).toBe(false)
  })

  it('nothing from a payload changes the path: a tag with slashes and dots is refused by its label', async () => {
    const error = await runtime()
      .onEvent(
        track('Tag Removed', { email: 'x@example.com', tag: 'x/../../subscribers?y' }),
        subscription('updateTags', 'type = "track"', { remove_tags: { '@path': '$.properties.tag' } })
      )
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(
      /^Tags to Remove: "x\/\.\.\/\.\.\/subscribers\?y" cannot be sent to Drip: it contains "\/"/
    )
    // path-segments.test.ts holds every field and value that could reach a path to the same rule.
  })

  it.each([
    [
      'subscribeToCampaign',
      'Email Series: empty. Pick the Email Series to subscribe people to; its list shows the active ones.'
    ],
    ['startWorkflow', "Workflow: empty. Pick the workflow; its list shows the account's active ones."],
    ['removeFromWorkflow', "Workflow: empty. Pick the workflow; its list shows the account's active ones."]
  ])('%s: an empty list is refused by its label, saying what to do', async (action, message) => {
    const error = await runtime()
      .onEvent(track('X', { email: 'a@example.com' }), subscription(action, 'type = "track"', {}))
      .catch((e: Error) => e)
    expect((error as Error).message).toBe(message)
  })

  it('fails a missing or invalid email with a message naming the field', async () => {
    const error = await runtime()
      .onEvent(segmentEvent({ type: 'track', event: 'User Deleted', properties: {} }), runtimeSettings())
      .catch((e: Error) => e)
    // Named by its label, with where the default looked (the runtime's own refusal could only name the key).
    expect((error as Error).message).toBe(
      "Email Address: empty. The default looks in properties.email, then context.traits.email; map Email Address to where your events carry the person's email."
    )
  })
})

it("pickers follow Drip's pages and answer a Drip error with its message, never the key", async () => {
  drip()
    .get(`${base}/campaigns`)
    .query({ page: '1', per_page: '100', status: 'active' })
    .reply(200, { meta: { page: 1, total_pages: 2 }, campaigns: [{ id: 1, name: 'One', status: 'active' }] })
    .get(`${base}/campaigns`)
    .query({ page: '2', per_page: '100', status: 'active' })
    .reply(401, { message: 'Bad credentials: Basic ZjAwZGZlZWRjYWZlNDI0MmJlZWYxMjM0YWJjZDU2Nzg6' })
  const destination = new Destination(definition)
  const pick = (page: string) =>
    destination.actions.subscribeToCampaign.executeDynamicField('campaign_id', {
      settings: { accountId: ACCOUNT_ID, apiKey: 'f00dfeedcafe4242beef1234abcd5678' },
      payload: {},
      page
    } as never)
  expect(await pick('1')).toEqual({ choices: [{ label: 'One', value: '1', description: 'active' }], nextPage: '2' })
  expect(await pick('2')).toEqual({
    choices: [],
    error: {
      message: 'Drip rejected the API key (401: Bad credentials: Basic [redacted]). Check the API Key setting.',
      code: '401'
    }
  })
})

describe('against the simulator: what Drip holds afterwards', () => {
  const sim = useSimulator()
  const settings = (presets = {}) => sim.settings(presets)

  it('tags follow Engage audiences in and out; User Unsubscribed and User Deleted change the person', async () => {
    await sim.destination.onEvent(
      segmentEvent({ type: 'identify', traits: { email: 'a+b@example.com', tags: 'customer' } }),
      settings()
    )
    const person = () => sim.sim.state().accounts[0].people.find((p) => p.email === 'a+b@example.com')
    await sim.destination.onEvent(audience('Audience Entered'), settings())
    expect(person()?.tags).toEqual(['customer', 'vip_customers'])
    await sim.destination.onEvent(audience('Audience Exited'), settings())
    expect(person()?.tags).toEqual(['customer'])
    await sim.destination.onEvent(track('User Unsubscribed'), settings())
    expect(person()?.status).toBe('unsubscribed')
    await sim.destination.onEvent(track('User Deleted'), settings())
    expect(person()).toBeUndefined()
    // Deleting again: Drip has nobody to delete, which is what was asked.
    await expect(sim.destination.onEvent(track('User Deleted'), settings())).resolves.toBeDefined()
  })

  it('onDelete deletes a person whose userId is an email, and says clearly why it cannot otherwise', async () => {
    await sim.destination.onEvent(segmentEvent({ type: 'identify', traits: { email: 'gone@example.com' } }), settings())
    await sim.destination.onDelete!(segmentEvent({ type: 'delete' as never, userId: 'gone@example.com' }), settings())
    expect(sim.sim.state().accounts[0].people).toEqual([])
    await expect(
      sim.destination.onDelete!(segmentEvent({ type: 'delete' as never, userId: 'u-42' }), settings())
    ).rejects.toThrow(/^Drip finds people by email, and this deletion request's userId \("u-42"\) is not one/)
  })

  it('subscribes to an Email Series and starts and ends a workflow (an inactive one is ignored, as Drip does)', async () => {
    const run = (action: string, changes: JSONObject) =>
      sim.destination.onEvent(track('Joined', { email: 'w@example.com' }), {
        ...settings(),
        subscriptions: [
          {
            partnerAction: action,
            subscribe: 'type = "track"',
            mapping: { ...defaultValues(definition.actions[action].fields), ...changes }
          }
        ]
      } as unknown as JSONObject)
    await run('subscribeToCampaign', { campaign_id: '1001', double_optin: false })
    await run('startWorkflow', { workflow_id: '2001', tags: 'onboarding' })
    await run('startWorkflow', { workflow_id: '2002' })
    const members = (list: 'campaigns' | 'workflows') =>
      Object.fromEntries(sim.sim.state().accounts[0][list].map((l) => [l.id, l.members]))
    expect(members('campaigns')).toEqual({ '1001': ['w@example.com'], '1002': [] })
    expect(members('workflows')).toEqual({ '2001': ['w@example.com'], '2002': [] })
    await run('removeFromWorkflow', { workflow_id: '2001' })
    expect(members('workflows')['2001']).toEqual([])
    // A 404 names what was not there, in the admin's words: not the account, the workflow or Email Series.
    const error = await run('startWorkflow', { workflow_id: '9' }).catch((e: Error) => e)
    expect((error as Error).message).toMatch(
      /^Drip has no workflow 9 in account 9999999 \(404: .*\)\. Pick one in Workflow: its list shows the account's active ones\.$/
    )
    const series = await run('subscribeToCampaign', { campaign_id: '9999' }).catch((e: Error) => e)
    expect((series as Error).message).toMatch(
      /^Drip has no Email Series 9999 in account 9999999 \(404: .*\)\. Pick one in Email Series: its list shows the account's\.$/
    )
  })

  it("pickers list the account's active Email Series and workflows, its tags and its custom fields", async () => {
    await sim.destination.onEvent(
      segmentEvent({ type: 'identify', traits: { email: 'p@example.com', tags: 'vip,beta', plan: 'pro' } }),
      settings()
    )
    const pick = (action: string, field: string) =>
      sim.destination.actions[action].executeDynamicField(field, {
        settings: { accountId: '9999999', apiKey: sim.settings().apiKey },
        payload: {},
        page: '1'
      } as never)
    expect(await pick('subscribeToCampaign', 'campaign_id')).toEqual({
      choices: [{ label: 'Welcome Series', value: '1001', description: 'active' }]
    })
    expect(await pick('unsubscribe', 'campaign_id')).toEqual({
      choices: [
        { label: 'Welcome Series', value: '1001', description: 'active' },
        { label: 'Winback', value: '1002', description: 'paused' }
      ]
    })
    expect(await pick('startWorkflow', 'workflow_id')).toEqual({
      choices: [{ label: 'Onboarding', value: '2001', description: 'active' }]
    })
    expect(await pick('updateTags', 'tags')).toEqual({
      choices: [
        { label: 'beta', value: 'beta' },
        { label: 'vip', value: 'vip' }
      ]
    })
    expect((await pick('identify', 'custom_fields.__keys__')).choices).toEqual([{ label: 'plan', value: 'plan' }])
  })
})
