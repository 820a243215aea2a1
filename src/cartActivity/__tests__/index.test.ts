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
const CART = '/v3/2445926/shopper_activity/cart'

// Segment's Checkout Started (E-commerce spec V2), from a browser: its page is the cart's link by default.
const checkoutStarted = (properties: Record<string, unknown> = {}, context: Record<string, unknown> = {}) =>
  createTestEvent({
    event: 'Checkout Started',
    timestamp: '2026-11-20T10:15:00.000Z',
    context: { page: { url: 'https://shop.example.com/cart' }, ...context },
    properties: {
      email: 'ada@example.com',
      checkout_id: 'c-7',
      value: 25,
      currency: 'EUR',
      products: [{ product_id: 'p-1', variant_id: 'p-1-m', name: 'Tee', price: 12.5, quantity: 2, position: 1 }],
      ...properties
    }
  })

const cart = {
  provider: 'segment',
  email: 'ada@example.com',
  initial_status: 'unsubscribed',
  action: 'updated',
  occurred_at: '2026-11-20T10:15:00.000Z',
  currency: 'EUR',
  cart_id: 'c-7',
  cart_url: 'https://shop.example.com/cart',
  grand_total: 25,
  items: [{ product_id: 'p-1', product_variant_id: 'p-1-m', name: 'Tee', price: 12.5, quantity: 2, position: 1 }]
}

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.cartActivity', () => {
  it('records the whole cart with the default mappings: the checkout id as the cart, the page as its link', async () => {
    nock(DRIP).post(CART).reply(202, { request_id: 'r-1' })

    const responses = await testDestination.testAction('cartActivity', {
      settings,
      event: checkoutStarted(),
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}${CART}`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(JSON.stringify(cart))
  })

  it('makes the link from Cart URL Template for an event from a server, which has no page', async () => {
    nock(DRIP).post(CART).reply(202, {})

    const responses = await testDestination.testAction('cartActivity', {
      settings,
      event: checkoutStarted({ cart_id: 'c 8' }, { page: undefined }),
      mapping: {
        action: 'created',
        cart_public_id: '#8',
        total_discounts: 1.5,
        cart_url_template: 'https://shop.example.com/cart/{cart_id}?n={cart_public_id}'
      },
      useDefaultMappings: true
    })

    expect(JSON.parse(responses[0].options.body as string)).toEqual({
      ...cart,
      action: 'created',
      cart_id: 'c 8',
      cart_public_id: '#8',
      cart_url: 'https://shop.example.com/cart/c%208?n=%238',
      total_discounts: 1.5
    })
  })

  it('refuses a cart without a link, saying which field to set', async () => {
    await expect(
      testDestination.testAction('cartActivity', {
        settings,
        event: checkoutStarted({}, { page: undefined }),
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Cart URL: empty, and Drip needs a link to every cart .* set Cart URL Template once/)
    expect(testDestination.responses).toHaveLength(0)
  })

  it('refuses a cart item without a price, naming the item', async () => {
    await expect(
      testDestination.testAction('cartActivity', {
        settings,
        event: checkoutStarted({ products: [{ product_id: 'p-1', name: 'Tee' }] }),
        useDefaultMappings: true
      })
    ).rejects.toThrow('Items: item 1 (index 0) has no price; Drip needs one on every cart item.')
  })

  it('gives every cart of a batch its own result: one refused, the others sent to the batch endpoint', async () => {
    nock(DRIP).post(`${CART}/batch`).reply(202, {})
    const events = Array.from({ length: 73 }, (_, n) => checkoutStarted({ checkout_id: `c-${n}` }))
    events[0] = checkoutStarted({ checkout_id: 'c-0' }, { page: undefined })

    const responses = await testDestination.testBatchAction('cartActivity', {
      settings,
      events,
      useDefaultMappings: true
    })

    const carts = Array.from({ length: 72 }, (_, n) => ({ ...cart, cart_id: `c-${n + 1}` }))
    expect(responses[0].url).toBe(`${DRIP}${CART}/batch`)
    expect(responses[0].options.body).toBe(JSON.stringify({ carts }))
    const results = testDestination.results[0].multistatus ?? []
    expect(results).toHaveLength(73)
    expect(results[0]).toMatchObject({
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: expect.stringMatching(/^Cart URL: empty/)
    })
    expect(results[72]).toEqual({ status: 202, sent: carts[71], body: {} })
  })

  describe("Drip's errors", () => {
    const record = () =>
      testDestination.testAction('cartActivity', { settings, event: checkoutStarted(), useDefaultMappings: true })

    it('401: the API key is refused', async () => {
      nock(DRIP).post(CART).reply(401, '')
      await expect(record()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'Drip rejected the API key (401: no message). Check the API Key setting.'
      })
    })

    it("422: the cart is refused, with Drip's message", async () => {
      nock(DRIP)
        .post(CART)
        .reply(422, { errors: [{ code: 'presence_error', attribute: 'cart_url', message: 'Cart url is required' }] })
      await expect(record()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the cart_url: Cart url is required [presence_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post(CART).reply(429, { message: 'API rate limit exceeded. Please try again in an hour.' })
      await expect(record()).rejects.toMatchObject({
        name: 'RetryableError',
        status: 429,
        message:
          "Drip's hourly rate limit for this account was reached (429: API rate limit exceeded. Please try again " +
          'in an hour.)'
      })
    })

    it('any other answer: not retried, with its status and what Drip said', async () => {
      nock(DRIP)
        .post(CART)
        .reply(409, { errors: [{ code: 'conflict', message: 'Cart is being updated' }] })
      await expect(record()).rejects.toMatchObject({
        name: 'IntegrationError',
        code: 'DRIP_ERROR',
        status: 409,
        message: 'Drip answered 409: Cart is being updated'
      })
    })
  })
})
