import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { shopperActivityRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import { address, batch_size, currency, enable_batching, eventTime, items, money, shopperPerson } from '../fields'
import { buildOrder } from '../records/shopper-activity'

const ORDERS = shopperActivityRecords('order')

const ORDER_ACTIONS = ['placed', 'updated', 'paid', 'fulfilled', 'refunded', 'canceled']

const SENDING: Sending<Payload> = { records: ORDERS, build: buildOrder }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Order Activity',
  description:
    "Record an order placed, updated, paid, fulfilled, refunded or canceled with Drip's Shopper Activity API: " +
    "revenue attribution, the person's lifetime value and order-based segments.",
  defaultSubscription: 'type = "track" and event = "Order Completed"',
  fields: {
    ...shopperPerson,
    action: {
      label: 'Action',
      description: 'What happened to the order. Refunded and canceled orders take Refund Amount, not Grand Total.',
      type: 'string',
      required: true,
      choices: ORDER_ACTIONS.map((value) => ({ label: value, value })),
      default: 'placed'
    },
    occurred_at: eventTime,
    order_id: {
      label: 'Order ID',
      description: "The order's id in your store; with Provider, what makes the order unique in Drip.",
      type: 'string',
      required: true,
      default: { '@path': '$.properties.order_id' }
    },
    order_public_id: {
      label: 'Order Public ID',
      description: 'The order number your customer sees (e.g. #1001), shown in Drip.',
      type: 'string',
      required: false
    },
    grand_total: money('Grand Total', "The order's total, discounts included.", [
      '$.properties.total',
      '$.properties.revenue'
    ]),
    total_discounts: money('Total Discounts', 'The discounts on the whole order.', '$.properties.discount'),
    total_taxes: money('Total Taxes', 'The taxes on the whole order.', '$.properties.tax'),
    total_fees: money('Total Fees', 'The fees on the whole order.'),
    total_shipping: money('Total Shipping', 'The shipping on the whole order.', '$.properties.shipping'),
    refund_amount: money(
      'Refund Amount',
      "What was refunded: Drip takes it off the person's lifetime value (leave Grand Total unchanged)."
    ),
    currency,
    order_url: {
      label: 'Order URL',
      description: "A link to the order in your store's customer account pages.",
      type: 'string',
      required: false
    },
    items,
    billing_address: address('Billing Address'),
    shipping_address: address('Shipping Address'),
    batch_size,
    enable_batching
  },
  syncMode: {
    label: 'How rows sync',
    description:
      "For warehouse sources (Reverse ETL): a new or changed row records the order with Action's value (placed, " +
      'updated, paid, fulfilled, refunded, canceled); Drip keeps one order per provider and order id, so this is an ' +
      'upsert. A row leaving the model is not offered as a cancellation: map Action to a status column instead, ' +
      'so that cancelling is something the warehouse says.',
    default: 'upsert',
    choices: [{ label: 'Upsert orders', value: 'upsert' }]
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
