import { defaultValues } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import { DEMO_ACCOUNT_ID } from '../../tools/simulator'
import { segmentEvent } from '../helpers'
import { ENCODED_DEMO_KEY, useSimulator } from '../simulated'

// What the simulator holds for the Engage-native features: workflow and Email Series status (read and activated by
// the mapping-save hooks), tags from an audience connected to Drip, and products a warehouse model deleted.

const drip = useSimulator()
const settings = { accountId: DEMO_ACCOUNT_ID, apiKey: ENCODED_DEMO_KEY }
const account = () => drip.sim.state().accounts[0]

it('a draft workflow is reported by its name; activated when asked, the simulator holds it active', async () => {
  const hook = drip.destination.actions.startWorkflow
  const warned = await hook.executeHook('onMappingSave', { settings, payload: {}, hookInputs: { id: '2002' } })
  expect(warned.savedData).toEqual({ id: '2002', name: 'Abandoned Cart (draft)', status: 'draft' })
  expect(warned.successMessage).toMatch(/^Warning: Workflow "Abandoned Cart \(draft\)" \(2002\) is draft, not active/)
  const activated = await hook.executeHook('onMappingSave', {
    settings,
    payload: {},
    hookInputs: { id: '2002', activate: true }
  })
  expect(activated.savedData).toEqual({ id: '2002', name: 'Abandoned Cart (draft)', status: 'active' })
  expect(account().workflows.find((w) => w.id === '2002')?.status).toBe('active')
})

it('a paused Email Series is reported; a missing one refused', async () => {
  const hook = drip.destination.actions.subscribeToCampaign
  const paused = await hook.executeHook('onMappingSave', { settings, payload: {}, hookInputs: { id: '1002' } })
  expect(paused.savedData).toEqual({ id: '1002', name: 'Winback', status: 'paused' })
  const missing = await hook.executeHook('onMappingSave', { settings, payload: {}, hookInputs: { id: '404' } })
  expect(missing.error?.code).toBe('NOT_FOUND')
})

it('an audience connected to Drip: its tag, on people entering, off people leaving', async () => {
  const { externalId } = await drip.destination.createAudience({
    settings,
    audienceName: 'VIP',
    personas: { computation_key: 'vip_customers', computation_id: 'aud_1', namespace: 'spa_1' }
  })
  const persona = { computation_class: 'audience', computation_key: 'vip_customers', external_audience_id: externalId }
  const event = (email: string, member: boolean) =>
    segmentEvent({ type: 'identify', traits: { email, vip_customers: member }, context: { personas: persona } })
  const subscriptions = [
    {
      partnerAction: 'syncAudience',
      subscribe: drip.definition.actions.syncAudience.defaultSubscription,
      mapping: { ...defaultValues(drip.definition.actions.syncAudience.fields), enable_batching: true }
    }
  ]
  await drip.destination.onBatch([event('ada@example.com', true), event('bo@example.com', true)], {
    ...settings,
    subscriptions
  } as unknown as JSONObject)
  await drip.destination.onEvent(event('bo@example.com', false), {
    ...settings,
    subscriptions
  } as unknown as JSONObject)
  expect(account().people.map((p) => [p.email, p.tags])).toEqual([
    ['ada@example.com', ['vip_customers']],
    ['bo@example.com', []]
  ])
})

it('a product whose row left the model is deleted in the simulated catalog', async () => {
  const row = (event: string) =>
    segmentEvent({ type: 'track', event, properties: { product_id: 'm1', name: 'Mug', price: 12 } })
  const subscriptions = [
    {
      partnerAction: 'productActivity',
      subscribe: 'type = "track"',
      mapping: {
        ...defaultValues(drip.definition.actions.productActivity.fields),
        __segment_internal_sync_mode: 'mirror'
      }
    }
  ]
  const runtime = { ...settings, subscriptions } as unknown as JSONObject
  await drip.destination.onEvent(row('new'), runtime)
  await drip.destination.onEvent(row('deleted'), runtime)
  expect(account().shopper_activity.map((r) => [r.key, r.actions, r.deleted])).toEqual([
    ['product:segment:m1:m1', ['updated', 'deleted'], true]
  ])
})
