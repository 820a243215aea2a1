import nock from 'nock'
import { defaultValues } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, intercept, multistatusOf, runtime, settings, segmentEvent } from '../helpers'

// A product catalog mirrored from a warehouse model (Reverse ETL): Product Activity's sync modes. New and changed rows
// create or update their products; a row that left the model becomes Drip's `deleted` product action, through the
// product batch endpoint. Exact requests through the runtime.

afterEach(() => nock.cleanAll())

const base = `/v3/${ACCOUNT_ID}/shopper_activity/product`

/** A warehouse row as Reverse ETL sends it: its columns in properties, the event saying what happened to it. */
const row = (event: 'new' | 'updated' | 'deleted', id: string, price: number) =>
  segmentEvent({
    type: 'track',
    event,
    timestamp: '2026-11-20T10:15:00.000Z',
    properties: { product_id: id, name: `Mug ${id}`, price, currency: 'usd', category: 'Kitchen' }
  })

const synced = (syncMode: string, changes: JSONObject = {}) =>
  ({
    ...settings,
    subscriptions: [
      {
        partnerAction: 'productActivity',
        subscribe: 'type = "track"',
        mapping: {
          ...defaultValues(definition.actions.productActivity.fields),
          __segment_internal_sync_mode: syncMode,
          ...changes
        }
      }
    ]
  }) as unknown as JSONObject

const product = (id: string, price: number, action: string) => ({
  provider: 'segment',
  action,
  occurred_at: '2026-11-20T10:15:00.000Z',
  product_id: id,
  product_variant_id: id,
  name: `Mug ${id}`,
  categories: ['Kitchen'],
  currency: 'USD',
  price
})

describe('Product Activity sync modes', () => {
  it('mirror: new and changed rows are updated, a row that left the model is deleted, in one batch', async () => {
    const batches = intercept('post', `${base}/batch`, 202, { request_ids: ['r1', 'r2', 'r3'] })
    const results = await runtime().onBatch(
      [row('new', 'm1', 12), row('updated', 'm2', 14.5), row('deleted', 'm3', 9)],
      synced('mirror', { enable_batching: true })
    )
    expect(batches.map((call) => call.body)).toEqual([
      { products: [product('m1', 12, 'updated'), product('m2', 14.5, 'updated'), product('m3', 9, 'deleted')] }
    ])
    expect(multistatusOf(results).map((r) => [r.status, (r.sent as JSONObject).action])).toEqual([
      [202, 'updated'],
      [202, 'updated'],
      [202, 'deleted']
    ])
  })

  it('delete, alone: a row leaving the model is the product deleted', async () => {
    const sent = intercept('post', base, 202, { request_id: 'r1' })
    await runtime().onEvent(row('deleted', 'm3', 9), synced('delete'))
    expect(sent.map((call) => call.body)).toEqual([product('m3', 9, 'deleted')])
  })

  it('upsert: a row leaving the model deletes nothing, and its result says so', async () => {
    const sent = intercept('post', `${base}/batch`, 202, { request_ids: ['r1'] })
    const results = await runtime().onBatch(
      [row('new', 'm1', 12), row('deleted', 'm3', 9)],
      synced('upsert', { enable_batching: true })
    )
    expect(sent.map((call) => call.body)).toEqual([{ products: [product('m1', 12, 'updated')] }])
    expect(multistatusOf(results)[1]).toEqual({
      status: 200,
      sent: {},
      body: { notes: ['Nothing sent: the upsert sync mode does not act on this row.'] }
    })
  })

  it('without a sync mode (catalog events), nothing changes: the Action as mapped', async () => {
    const sent = intercept('post', base, 202, { request_id: 'r1' })
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Product Updated',
        timestamp: '2026-11-20T10:15:00.000Z',
        properties: { product_id: 'm1', name: 'Mug m1', price: 12, currency: 'usd', category: 'Kitchen' }
      }),
      {
        ...settings,
        subscriptions: [
          {
            partnerAction: 'productActivity',
            subscribe: 'type = "track"',
            mapping: defaultValues(definition.actions.productActivity.fields)
          }
        ]
      } as unknown as JSONObject
    )
    expect(sent.map((call) => call.body)).toEqual([product('m1', 12, 'updated')])
  })
})
