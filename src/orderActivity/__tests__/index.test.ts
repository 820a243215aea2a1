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
const ORDER = '/v3/2445926/shopper_activity/order'

// Segment's Order Completed (E-commerce spec V2).
const orderCompleted = (properties: Record<string, unknown> = {}) =>
  createTestEvent({
    event: 'Order Completed',
    timestamp: '2026-11-20T10:15:00.000Z',
    properties: {
      email: 'ada@example.com',
      order_id: 'o-1001',
      total: 27.5,
      revenue: 25,
      discount: 2.5,
      tax: 2,
      shipping: 3,
      currency: 'usd',
      products: [
        {
          product_id: 'p-1',
          sku: 'TEE-M',
          name: 'Tee',
          brand: 'Acme',
          category: 'Shirts',
          price: 12.5,
          quantity: 2,
          url: 'https://shop.example.com/p-1',
          variant: 'M',
          coupon: 'SPRING'
        }
      ],
      ...properties
    }
  })

const order = {
  provider: 'segment',
  email: 'ada@example.com',
  initial_status: 'unsubscribed',
  action: 'placed',
  occurred_at: '2026-11-20T10:15:00.000Z',
  currency: 'USD',
  order_id: 'o-1001',
  grand_total: 27.5,
  total_discounts: 2.5,
  total_taxes: 2,
  total_shipping: 3,
  items: [
    {
      product_id: 'p-1',
      product_variant_id: 'p-1',
      sku: 'TEE-M',
      name: 'Tee',
      brand: 'Acme',
      categories: ['Shirts'],
      price: 12.5,
      quantity: 2,
      product_url: 'https://shop.example.com/p-1',
      variant: 'M',
      coupon: 'SPRING'
    }
  ]
}

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.orderActivity', () => {
  it("records an order with the default mappings, in currency units as Drip's Shopper Activity API takes them", async () => {
    nock(DRIP).post(ORDER).reply(202, { request_id: 'r-1' })

    const responses = await testDestination.testAction('orderActivity', {
      settings,
      event: orderCompleted(),
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].status).toBe(202)
    expect(responses[0].url).toBe(`${DRIP}${ORDER}`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(JSON.stringify(order))
    expect(testDestination.results[2].data).toEqual({ status: 202, sent: order, body: { request_id: 'r-1' } })
  })

  it('sends every field an order takes when mapped', async () => {
    nock(DRIP).post(ORDER).reply(202, {})
    const address = { first_name: 'Ada', address_1: '12 St James Sq', city: 'London', country: 'UK', company: ' ' }

    const responses = await testDestination.testAction('orderActivity', {
      settings,
      event: orderCompleted(),
      mapping: {
        action: 'paid',
        order_public_id: '#1001',
        total_fees: 1,
        order_url: 'https://shop.example.com/orders/1001',
        initial_status: 'active',
        billing_address: address,
        shipping_address: address
      },
      useDefaultMappings: true
    })

    const sentAddress = { first_name: 'Ada', address_1: '12 St James Sq', city: 'London', country: 'UK' }
    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      ...order,
      initial_status: 'active',
      action: 'paid',
      order_public_id: '#1001',
      total_fees: 1,
      order_url: 'https://shop.example.com/orders/1001',
      billing_address: sentAddress,
      shipping_address: sentAddress
    })
  })

  it('records a refund by its Refund Amount and keeps the total out, with a note that says why', async () => {
    nock(DRIP).post(ORDER).reply(202, {})

    const responses = await testDestination.testAction('orderActivity', {
      settings,
      event: orderCompleted({ products: [] }),
      mapping: { action: 'refunded', refund_amount: 10 },
      useDefaultMappings: true
    })

    const { grand_total: _total, items: _items, ...rest } = order
    const refunded = { ...rest, action: 'refunded', refund_amount: 10 }
    expect(responses[0].options.body).toBe(JSON.stringify(refunded))
    expect(testDestination.results[2].data).toEqual({
      status: 202,
      sent: refunded,
      body: {},
      notes: ['Grand Total left out: a refunded order keeps its total; Drip takes the refund as Refund Amount.']
    })
  })

  it('writes the provider as Drip takes it (lower snake case), with a note', async () => {
    nock(DRIP).post(ORDER).reply(202, {})

    await testDestination.testAction('orderActivity', {
      settings,
      event: orderCompleted(),
      mapping: { provider: 'My Store' },
      useDefaultMappings: true
    })

    expect(testDestination.results[2].data).toMatchObject({
      sent: { provider: 'my_store' },
      notes: ['Provider: "My Store" sent as "my_store", as Drip takes providers.']
    })
  })

  it('refuses an order with an item Drip cannot take, naming the item', async () => {
    await expect(
      testDestination.testAction('orderActivity', {
        settings,
        event: orderCompleted({ products: [{ product_id: 'p-1', name: 'Tee' }, { product_id: 'p-2' }] }),
        useDefaultMappings: true
      })
    ).rejects.toThrow('Items: item 2 (index 1) has no name; Drip needs one on every order item.')
    expect(testDestination.responses).toHaveLength(0)
  })

  it('sends 72 or more orders to the batch endpoint in one request, each with its own result', async () => {
    nock(DRIP).post(`${ORDER}/batch`).reply(202, { request_id: 'r-2' })
    const events = Array.from({ length: 72 }, (_, n) => orderCompleted({ order_id: `o-${n}` }))

    const responses = await testDestination.testBatchAction('orderActivity', {
      settings,
      events,
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}${ORDER}/batch`)
    const orders = Array.from({ length: 72 }, (_, n) => ({ ...order, order_id: `o-${n}` }))
    expect(responses[0].options.body).toBe(JSON.stringify({ orders }))
    const results = testDestination.results[0].multistatus ?? []
    expect(results).toHaveLength(72)
    expect(results[71]).toEqual({ status: 202, sent: orders[71], body: { request_id: 'r-2' } })
  })

  it('sends a batch request again when Drip fails it transiently, so that every order is delivered now', async () => {
    nock(DRIP).post(`${ORDER}/batch`).reply(503, 'Service Unavailable')
    nock(DRIP).post(`${ORDER}/batch`).reply(202, {})
    const events = Array.from({ length: 72 }, (_, n) => orderCompleted({ order_id: `o-${n}` }))

    const responses = await testDestination.testBatchAction('orderActivity', {
      settings,
      events,
      useDefaultMappings: true
    })

    expect(responses.map((response) => response.status)).toEqual([503, 202])
    expect(responses[1].options.body).toBe(responses[0].options.body)
    const results = testDestination.results[0].multistatus ?? []
    expect(results.map((result) => result.status)).toEqual(Array.from({ length: 72 }, () => 202))
  })

  describe("Drip's errors", () => {
    const record = () =>
      testDestination.testAction('orderActivity', { settings, event: orderCompleted(), useDefaultMappings: true })

    it('401: the API key is refused', async () => {
      nock(DRIP)
        .post(ORDER)
        .reply(401, { errors: [{ code: 'unauthorized', message: 'Invalid token' }] })
      await expect(record()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'Drip rejected the API key (401: Invalid token). Check the API Key setting.'
      })
    })

    it("422: the order is refused, with Drip's message", async () => {
      nock(DRIP)
        .post(ORDER)
        .reply(422, { errors: [{ code: 'format_error', attribute: 'occurred_at', message: 'Occurred at is invalid' }] })
      await expect(record()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the occurred_at: Occurred at is invalid [format_error]'
      })
    })

    it('429 and 5xx: retried later', async () => {
      nock(DRIP).post(ORDER).reply(429, { message: 'API rate limit exceeded. Please try again in an hour.' })
      await expect(record()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
      nock(DRIP).post(ORDER).reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>')
      await expect(record()).rejects.toMatchObject({
        name: 'RetryableError',
        status: 502,
        message: 'Drip answered 502: 502 Bad Gateway'
      })
    })
  })
})
