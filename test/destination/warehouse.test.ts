import { defaultValues, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import { segmentEvent } from '../helpers'
import { useSimulator } from '../simulated'

// Warehouse sources (Segment's Reverse ETL): a model's rows arrive as track events named new, updated or deleted,
// with the columns in properties, and each mapping's sync mode says what they mean. Through the runtime
// (Destination.onEvent and onBatch, the mode in the mapping as Segment passes it), into the simulator.

const drip = useSimulator({ limits: { single: Infinity, batch: Infinity } })
const account = () => drip.sim.state().accounts[0]
const person = (email: string) => account().people.find((p) => p.email === email)

const row = (event: 'new' | 'updated' | 'deleted', columns: JSONObject) =>
  segmentEvent({ type: 'track', event, properties: columns }) as SegmentEvent

/** Settings with one warehouse mapping: the action's defaults, the sync mode, and `changes`. */
function synced(action: string, mode: string, changes: JSONObject = {}) {
  const fields = drip.definition.actions[action].fields
  return {
    accountId: '9999999',
    apiKey: 'demo-drip-api-token-0123456789abcdef',
    subscriptions: [
      {
        partnerAction: action,
        subscribe: 'type = "track"',
        mapping: { ...defaultValues(fields), __segment_internal_sync_mode: mode, ...changes }
      }
    ]
  } as unknown as JSONObject
}

const send = (rows: SegmentEvent[], settings: JSONObject, batch: boolean) =>
  batch
    ? drip.destination.onBatch(rows, { ...settings, subscriptions: batching(settings) } as JSONObject)
    : Promise.all(rows.map((r) => drip.destination.onEvent(r, settings)))

const batching = (settings: JSONObject) =>
  (settings.subscriptions as JSONObject[]).map((s) => ({
    ...s,
    mapping: { ...(s.mapping as JSONObject), enable_batching: true }
  }))

describe.each([
  ['one at a time', false],
  ['in a batch', true]
])('warehouse rows %s', (_how, batch) => {
  it('Identify, upsert: new and changed rows create and update people; a deleted row creates no one', async () => {
    await send(
      [
        row('new', { email: 'ada@example.com', first_name: 'Ada', plan: 'trial' }),
        row('new', { email: 'bo@example.com', first_name: 'Bo' }),
        row('updated', { email: 'ada@example.com', plan: 'pro' }),
        row('deleted', { email: 'gone@example.com', first_name: 'Gone' })
      ],
      synced('identify', 'upsert'),
      batch
    )
    expect(
      account()
        .people.map((p) => p.email)
        .sort()
    ).toEqual(['ada@example.com', 'bo@example.com'])
    expect(person('ada@example.com')).toMatchObject({ first_name: 'Ada', custom_fields: { plan: 'pro' } })
  })

  it.each([
    ['unsubscribe', (email: string) => expect(person(email)).toMatchObject({ status: 'unsubscribed' })],
    ['delete', (email: string) => expect(person(email)).toBeUndefined()]
  ])(
    'Identify, delete (A Deleted Row: %s): a row leaving the model removes its person, new rows nothing',
    async (what, removed) => {
      await send(
        [row('new', { email: 'ada@example.com' })],
        synced('identify', 'upsert', { initial_status: 'active' }),
        batch
      )
      await send(
        [
          row('deleted', { email: 'ada@example.com' }),
          row('deleted', { email: 'never-there@example.com' }),
          row('new', { email: 'new@example.com' })
        ],
        synced('identify', 'delete', { deleted_row: what }),
        batch
      )
      removed('ada@example.com')
      expect(person('never-there@example.com')).toBeUndefined()
      expect(person('new@example.com')).toBeUndefined()
    }
  )

  it('Add or Remove Tags, mirror: a row entering the model adds the tag, leaving it removes the tag it added', async () => {
    const settings = synced('updateTags', 'mirror', { tags: 'trial-step-3' })
    await send([row('new', { email: 'ada@example.com' }), row('new', { email: 'bo@example.com' })], settings, batch)
    expect(person('ada@example.com')?.tags).toEqual(['trial-step-3'])
    await send([row('deleted', { email: 'ada@example.com' })], settings, batch)
    expect(person('ada@example.com')?.tags).toEqual([])
    expect(person('bo@example.com')?.tags).toEqual(['trial-step-3'])
  })

  it('Add or Remove Tags, add and delete: each does its half only', async () => {
    await send(
      [row('new', { email: 'ada@example.com' }), row('deleted', { email: 'x@example.com' })],
      synced('updateTags', 'add', { tags: 'vip' }),
      batch
    )
    expect(person('ada@example.com')?.tags).toEqual(['vip'])
    expect(person('x@example.com')).toBeUndefined()
    await send(
      [row('deleted', { email: 'ada@example.com' }), row('new', { email: 'y@example.com' })],
      synced('updateTags', 'delete', { tags: 'vip' }),
      batch
    )
    expect(person('ada@example.com')?.tags).toEqual([])
    expect(person('y@example.com')).toBeUndefined()
  })

  it('Track Event, add: each new row is an event; changed and deleted rows are not', async () => {
    await send(
      [
        row('new', { email: 'ada@example.com', step: 3 }),
        row('updated', { email: 'ada@example.com', step: 4 }),
        row('deleted', { email: 'ada@example.com' })
      ],
      synced('trackEvent', 'add', { action: 'Reached Trial Step' }),
      batch
    )
    expect(account().events.map((e) => [e.action, e.properties.step])).toEqual([['Reached Trial Step', 3]])
  })

  it('Order Activity, upsert: a new and a changed row record the order', async () => {
    const order = {
      email: 'ada@example.com',
      order_id: 'o-1',
      total: 10,
      products: [{ product_id: 'p', name: 'Mug', price: 10 }]
    }
    await send(
      [row('new', order), row('updated', { ...order, total: 12 })],
      synced('orderActivity', 'upsert', { action: 'placed' }),
      batch
    )
    const orders = account().shopper_activity.filter((r) => r.kind === 'order')
    expect(orders.map((o) => [o.order_id, o.grand_total])).toEqual([['o-1', 12]])
  })
})

it('offers only the sync modes Drip can honour', () => {
  const modes = Object.fromEntries(
    Object.entries(drip.definition.actions)
      .filter(([, action]) => action.syncMode)
      .map(([slug, action]) => [slug, action.syncMode!.choices.map((c) => c.value)])
  )
  expect(modes).toEqual({
    identify: ['upsert', 'delete'],
    updateTags: ['add', 'delete', 'mirror'],
    trackEvent: ['add'],
    orderActivity: ['upsert'],
    productActivity: ['upsert', 'delete', 'mirror'],
    syncAudience: ['mirror', 'add', 'delete']
  })
})
