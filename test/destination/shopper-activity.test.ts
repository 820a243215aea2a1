import nock from 'nock'
import { defaultValues } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, intercept, runtime, runtimeSettings, segmentEvent } from '../helpers'
import { orderCompleted, placed, products, sentItems } from '../fixtures/segment-events'

// Segment's e-commerce events through the runtime with the presets, to Drip's Shopper Activity API (v3): exact
// requests, single and batch. Every body is also checked against the v3 schemas (test/contract.ts).

afterEach(() => nock.cleanAll())

const ORDER = `/v3/${ACCOUNT_ID}/shopper_activity/order`
const CART = `/v3/${ACCOUNT_ID}/shopper_activity/cart`
const ACCEPTED = { request_id: '990c99a7-5cba-42e8-8f36-aec3419186ef' }

describe('Order Completed, Refunded, Cancelled, Updated', () => {
  it('records a placed order with its items, and no v2 conversion event', async () => {
    const calls = intercept('post', ORDER, 202, ACCEPTED)
    const events = nock('https://api.getdrip.com')
      .post(/\/v2\/.*/)
      .reply(204)
    const results = await runtime().onEvent(orderCompleted(), runtimeSettings())
    expect(calls).toHaveLength(1)
    expect(calls[0].body).toEqual(placed)
    expect(calls[0].headers['content-type']).toBe('application/json')
    expect(events.isDone()).toBe(false)
    const executed = results.find((r) => r.output === 'Action Executed') as { data: JSONObject }
    expect(executed.data).toEqual({ status: 202, sent: placed, body: ACCEPTED })
  })

  it("records a refund as refund_amount, leaving the order's grand total as it was", async () => {
    const calls = intercept('post', ORDER, 202, ACCEPTED)
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Order Refunded',
        properties: { order_id: 'o-1001', total: 57.5, currency: 'USD', email: 'ada@example.com' }
      }),
      runtimeSettings()
    )
    expect(calls[0].body).toEqual({
      provider: 'segment',
      email: 'ada@example.com',
      initial_status: 'unsubscribed',
      action: 'refunded',
      occurred_at: '2026-11-20T10:15:00.000Z',
      currency: 'USD',
      order_id: 'o-1001',
      refund_amount: 57.5
    })
  })

  it.each([
    ['Order Cancelled', 'canceled', 'refund_amount'],
    ['Order Updated', 'updated', 'grand_total']
  ])('maps %s to the %s action', async (event, action, total) => {
    const calls = intercept('post', ORDER, 202, ACCEPTED)
    await runtime().onEvent(
      segmentEvent({ type: 'track', event, properties: { order_id: 'o-9', revenue: 10, email: 'a@example.com' } }),
      runtimeSettings()
    )
    expect(calls[0].body).toMatchObject({ action, order_id: 'o-9', [total]: 10 })
  })

  it('refuses an order without an order id, naming the field', async () => {
    const error = await runtime()
      .onEvent(orderCompleted({ order_id: null }), runtimeSettings({}, { only: 'orderActivity' }))
      .catch((e: Error) => e)
    expect((error as Error).message).toBe("The root value is missing the required field 'order_id'.")
  })

  it('sends a provider in lower snake case with a note, refuses one with nothing to make it of, and leaves out a currency that is not ISO 4217', async () => {
    const settings = (provider: string) =>
      runtimeSettings({}, { only: 'orderActivity', mapping: { orderActivity: { provider } } })
    const error = await runtime()
      .onEvent(orderCompleted(), settings('!!!'))
      .catch((e: Error) => e)
    expect((error as Error).message).toBe(
      `Provider: "!!!" has no letters or digits; set Provider to your store's name in lower snake case (e.g. my_store).`
    )

    const renamed = intercept('post', ORDER, 202, ACCEPTED)
    const sent = await runtime().onEvent(orderCompleted(), settings('My Store'))
    expect(renamed[0].body).toMatchObject({ provider: 'my_store' })
    expect((sent.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }).data.notes).toEqual([
      'Provider: "My Store" sent as "my_store", as Drip takes providers.'
    ])

    const calls = intercept('post', ORDER, 202, ACCEPTED)
    const results = await runtime().onEvent(orderCompleted({ currency: 'dollars' }), settings('my_store'))
    expect(calls[0].body).toMatchObject({ provider: 'my_store' })
    expect((calls[0].body as JSONObject).currency).toBeUndefined()
    const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }
    expect(executed.data.notes).toEqual(['Currency left out: "dollars" is not an ISO 4217 currency code (e.g. USD).'])

    // Three letters are not enough: the code must be one ISO 4217 has (the same list Identify's money uses).
    const again = intercept('post', ORDER, 202, ACCEPTED)
    const unknown = await runtime().onEvent(orderCompleted({ currency: 'xyz' }), settings('my_store'))
    expect((again[0].body as JSONObject).currency).toBeUndefined()
    expect((unknown.find((r) => r.output === 'Action Executed') as { data: { notes: string[] } }).data.notes).toEqual([
      'Currency left out: "xyz" is not an ISO 4217 currency code (e.g. USD).'
    ])
  })
})

describe('Cart Viewed and Checkout Started', () => {
  it("record the whole cart, with the page's URL as the cart URL", async () => {
    const calls = intercept('post', CART, 202, ACCEPTED, 2)
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Cart Viewed',
        properties: { cart_id: 'c-9', products: [products[1]] },
        context: { traits: { email: 'kat@example.com' }, page: { url: 'https://shop.example.com/cart' } }
      }),
      runtimeSettings()
    )
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Checkout Started',
        properties: { checkout_id: 'co-7', value: 12.5, cart_url: 'https://shop.example.com/c/co-7', products },
        context: { traits: { email: 'kat@example.com' } }
      }),
      runtimeSettings()
    )
    const base = {
      provider: 'segment',
      email: 'kat@example.com',
      initial_status: 'unsubscribed',
      action: 'updated',
      occurred_at: '2026-11-20T10:15:00.000Z'
    }
    expect(calls.map((c) => c.body)).toEqual([
      { ...base, cart_id: 'c-9', cart_url: 'https://shop.example.com/cart', items: [sentItems[1]] },
      { ...base, cart_id: 'co-7', cart_url: 'https://shop.example.com/c/co-7', grand_total: 12.5, items: sentItems }
    ])
  })

  it('refuses a cart item without a price, naming the item', async () => {
    const error = await runtime()
      .onEvent(
        segmentEvent({
          type: 'track',
          event: 'Cart Viewed',
          properties: { cart_id: 'c-1', cart_url: 'https://s.example/c', products: [{ product_id: 'p', name: 'P' }] },
          context: { traits: { email: 'a@example.com' } }
        }),
        runtimeSettings()
      )
      .catch((e: Error) => e)
    expect((error as Error).message).toBe('Items: item 1 (index 0) has no price; Drip needs one on every cart item.')
  })
})

describe('Product Activity (catalog changes, by mapping)', () => {
  it('sends a product with its variant defaulting to the product id', async () => {
    const calls = intercept('post', `/v3/${ACCOUNT_ID}/shopper_activity/product`, 202, ACCEPTED)
    const settings = {
      ...runtimeSettings(),
      subscriptions: [
        {
          partnerAction: 'productActivity',
          subscribe: 'type = "track" and event = "Product Updated"',
          mapping: { ...defaultsOf('productActivity'), action: 'created' }
        }
      ]
    } as unknown as JSONObject
    await runtime().onEvent(
      segmentEvent({
        type: 'track',
        event: 'Product Updated',
        properties: { product_id: 'tee', name: 'Logo Tee', price: '25.00', category: 'Apparel', inventory: 12 }
      }),
      settings
    )
    expect(calls[0].body).toEqual({
      provider: 'segment',
      action: 'created',
      occurred_at: '2026-11-20T10:15:00.000Z',
      product_id: 'tee',
      product_variant_id: 'tee',
      name: 'Logo Tee',
      categories: ['Apparel'],
      price: 25,
      inventory: 12
    })
  })
})

function defaultsOf(action: string): JSONObject {
  return defaultValues(definition.actions[action].fields)
}
