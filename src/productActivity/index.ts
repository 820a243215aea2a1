import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { shopperActivityRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import { batch_size, currency, enable_batching, eventTime, money, provider } from '../fields'
import { buildProduct } from '../records/shopper-activity'

const PRODUCTS = shopperActivityRecords('product')
const property = (key: string) => ({ '@path': `$.properties.${key}` })

const SENDING: Sending<Payload> = {
  records: PRODUCTS,
  build: buildProduct,
  // A warehouse row that left the model (sync modes delete and mirror) is the product's deletion from Drip's catalog.
  removal: { asPayload: (payload) => ({ ...payload, action: 'deleted' }) }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Product Activity',
  description:
    "Keep Drip's product catalog current with Drip's Shopper Activity API: products created, updated or deleted " +
    '(from Reverse ETL or your own catalog events; no person is involved).',
  defaultSubscription: 'type = "track" and event = "Product Updated"',
  fields: {
    provider,
    action: {
      label: 'Action',
      description: 'Whether the product was created, updated or deleted.',
      type: 'string',
      required: true,
      choices: ['created', 'updated', 'deleted'].map((value) => ({ label: value, value })),
      default: 'updated'
    },
    occurred_at: eventTime,
    product_id: {
      label: 'Product ID',
      description: "The product's id in your store.",
      type: 'string',
      required: true,
      default: property('product_id')
    },
    product_variant_id: {
      label: 'Product Variant ID',
      description: "The variant's id; Drip asks for the product id again when there are no variants.",
      type: 'string',
      required: true,
      default: {
        '@if': { exists: property('variant_id'), then: property('variant_id'), else: property('product_id') }
      }
    },
    sku: { label: 'SKU', description: "The product's SKU.", type: 'string', required: false, default: property('sku') },
    name: {
      label: 'Name',
      description: "The product's name.",
      type: 'string',
      required: true,
      default: property('name')
    },
    brand: {
      label: 'Brand',
      description: "The product's brand, vendor or manufacturer.",
      type: 'string',
      required: false,
      default: property('brand')
    },
    categories: {
      label: 'Categories',
      description: "The product's categories.",
      type: 'string',
      multiple: true,
      required: false,
      default: property('category')
    },
    price: { ...money('Price', 'The price of one.', '$.properties.price'), required: true },
    currency,
    inventory: {
      label: 'Inventory',
      description: 'How many are available.',
      type: 'integer',
      required: false,
      default: property('inventory')
    },
    product_url: {
      label: 'Product URL',
      description: "The product's page in your store.",
      type: 'string',
      required: false,
      default: property('url')
    },
    image_url: {
      label: 'Image URL',
      description: "A direct link to the product's image (JPEG, GIF or PNG).",
      type: 'string',
      required: false,
      default: property('image_url')
    },
    batch_size,
    enable_batching
  },
  syncMode: {
    label: 'How rows sync',
    description:
      "For warehouse sources (Reverse ETL): a catalog mirrored from a model. Upsert: a new or changed row creates or updates its product (sent with Action as mapped, updated by default). Delete: a row leaving the model deletes its product from Drip's catalog (Action deleted). Mirror: both.",
    default: 'upsert',
    choices: [
      { label: 'Create or update products of new and changed rows', value: 'upsert' },
      { label: 'Delete the products of rows leaving the model', value: 'delete' },
      { label: 'Mirror the model: create, update and delete', value: 'mirror' }
    ]
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
