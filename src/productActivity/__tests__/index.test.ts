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
const PRODUCT = '/v3/2445926/shopper_activity/product'

const productUpdated = (properties: Record<string, unknown> = {}) =>
  createTestEvent({
    event: 'Product Updated',
    timestamp: '2026-11-20T10:15:00.000Z',
    properties: {
      product_id: 'p-1',
      sku: 'TEE-M',
      name: 'Tee',
      brand: 'Acme',
      category: 'Shirts',
      price: 12.5,
      currency: 'gbp',
      inventory: 40,
      url: 'https://shop.example.com/p-1',
      image_url: 'https://shop.example.com/p-1.png',
      ...properties
    }
  })

const product = {
  provider: 'segment',
  action: 'updated',
  occurred_at: '2026-11-20T10:15:00.000Z',
  product_id: 'p-1',
  product_variant_id: 'p-1',
  sku: 'TEE-M',
  name: 'Tee',
  brand: 'Acme',
  categories: ['Shirts'],
  currency: 'GBP',
  price: 12.5,
  inventory: 40,
  product_url: 'https://shop.example.com/p-1',
  image_url: 'https://shop.example.com/p-1.png'
}

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.productActivity', () => {
  it('updates the product with the default mappings; without a variant id, the product id stands in', async () => {
    nock(DRIP).post(PRODUCT).reply(202, { request_id: 'r-1' })

    const responses = await testDestination.testAction('productActivity', {
      settings,
      event: productUpdated(),
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}${PRODUCT}`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(responses[0].options.body).toBe(JSON.stringify(product))
  })

  it('deletes a variant; values Drip cannot take are left out, and the result says so', async () => {
    nock(DRIP).post(PRODUCT).reply(202, {})

    await testDestination.testAction('productActivity', {
      settings,
      event: productUpdated({ variant_id: 'p-1-m', currency: 'pounds', inventory: 3000000000 }),
      mapping: { action: 'deleted' },
      useDefaultMappings: true
    })

    const { currency: _currency, inventory: _inventory, ...rest } = product
    expect(testDestination.results[2].data).toEqual({
      status: 202,
      sent: { ...rest, action: 'deleted', product_variant_id: 'p-1-m' },
      body: {},
      notes: [
        'Currency left out: "pounds" is not an ISO 4217 currency code (e.g. USD).',
        'Inventory left out: 3000000000 is beyond the integers Drip stores (up to 2147483647).'
      ]
    })
  })

  it('refuses a product whose provider has no letters or digits', async () => {
    await expect(
      testDestination.testAction('productActivity', {
        settings,
        event: productUpdated(),
        mapping: { provider: '--' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(
      'Provider: "--" has no letters or digits; set Provider to your store\'s name in lower snake case (e.g. my_store).'
    )
  })

  it('sends a small batch one product at a time, each with its own result', async () => {
    nock(DRIP)
      .post(PRODUCT, (body) => body.product_id === 'p-0')
      .reply(202, {})
    nock(DRIP)
      .post(PRODUCT, (body) => body.product_id === 'p-1')
      .reply(422, { errors: [{ code: 'range_error', attribute: 'price', message: 'Price must be positive' }] })

    const responses = await testDestination.testBatchAction('productActivity', {
      settings,
      events: [productUpdated({ product_id: 'p-0' }), productUpdated({ product_id: 'p-1', price: -1 })],
      useDefaultMappings: true
    })

    expect(responses.map((response) => response.url)).toEqual([`${DRIP}${PRODUCT}`, `${DRIP}${PRODUCT}`])
    expect(testDestination.results[0].multistatus).toEqual([
      { status: 202, sent: { ...product, product_id: 'p-0', product_variant_id: 'p-0' }, body: {} },
      {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: 'Drip refused the price: Price must be positive [range_error]',
        sent: { ...product, product_id: 'p-1', product_variant_id: 'p-1', price: -1 },
        errorreporter: 'DESTINATION'
      }
    ])
  })

  it('sends 72 or more products to the batch endpoint in one request', async () => {
    nock(DRIP).post(`${PRODUCT}/batch`).reply(202, {})
    const events = Array.from({ length: 72 }, (_, n) => productUpdated({ product_id: `p-${n}` }))

    const responses = await testDestination.testBatchAction('productActivity', {
      settings,
      events,
      useDefaultMappings: true
    })

    const products = Array.from({ length: 72 }, (_, n) => ({
      ...product,
      product_id: `p-${n}`,
      product_variant_id: `p-${n}`
    }))
    expect(responses.length).toBe(1)
    expect(responses[0].url).toBe(`${DRIP}${PRODUCT}/batch`)
    expect(responses[0].options.body).toBe(JSON.stringify({ products }))
  })

  describe('warehouse rows (sync modes)', () => {
    const row = (event: string, product_id: string) =>
      createTestEvent({
        type: 'track',
        event,
        timestamp: '2026-11-20T10:15:00.000Z',
        properties: { product_id, name: 'Tee', price: 12.5 }
      })
    const synced = (product_id: string, action: string) => ({
      provider: 'segment',
      action,
      occurred_at: '2026-11-20T10:15:00.000Z',
      product_id,
      product_variant_id: product_id,
      name: 'Tee',
      price: 12.5
    })

    it("Mirror: a row that left the model is the product's deletion, a new one its update", async () => {
      nock(DRIP).post(PRODUCT, synced('p-2', 'deleted')).reply(202, {})
      nock(DRIP).post(PRODUCT, synced('p-1', 'updated')).reply(202, {})

      await testDestination.testAction('productActivity', {
        settings,
        event: row('deleted', 'p-2'),
        mapping: { __segment_internal_sync_mode: 'mirror' },
        useDefaultMappings: true
      })
      await testDestination.testAction('productActivity', {
        settings,
        event: row('new', 'p-1'),
        mapping: { __segment_internal_sync_mode: 'mirror' },
        useDefaultMappings: true
      })

      expect(nock.isDone()).toBe(true)
    })

    it('Upsert: in a batch, new and changed rows go, a deleted row is left alone with its reason', async () => {
      nock(DRIP).post(PRODUCT, synced('p-1', 'updated')).reply(202, {})

      await testDestination.testBatchAction('productActivity', {
        settings,
        events: [row('updated', 'p-1'), row('deleted', 'p-2')],
        mapping: { __segment_internal_sync_mode: 'upsert' },
        useDefaultMappings: true
      })

      expect(testDestination.results[0].multistatus).toEqual([
        { status: 202, sent: synced('p-1', 'updated'), body: {} },
        { status: 200, sent: {}, body: { notes: ['Nothing sent: the upsert sync mode does not act on this row.'] } }
      ])
    })
  })

  describe("Drip's errors", () => {
    const record = () =>
      testDestination.testAction('productActivity', { settings, event: productUpdated(), useDefaultMappings: true })

    it('401: the API key is refused', async () => {
      nock(DRIP).post(PRODUCT).reply(401, { message: 'Unauthorized' })
      await expect(record()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'Drip rejected the API key (401: Unauthorized). Check the API Key setting.'
      })
    })

    it("422: the product is refused, with Drip's message", async () => {
      nock(DRIP)
        .post(PRODUCT)
        .reply(422, { errors: [{ code: 'presence_error', attribute: 'name', message: 'Name is required' }] })
      await expect(record()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the name: Name is required [presence_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post(PRODUCT).reply(429, { message: 'API rate limit exceeded.' })
      await expect(record()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })
})
