import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { shopperActivityRecords } from '../drip-api'
import { send, sendBatch } from '../sending'
import type { Sending } from '../sending'
import { batch_size, currency, enable_batching, eventTime, firstOf, items, money, shopperPerson } from '../fields'
import { buildCart } from '../records/shopper-activity'

const CARTS = shopperActivityRecords('cart')

const SENDING: Sending<Payload> = { records: CARTS, build: buildCart }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Cart Activity',
  description:
    "Record a person's whole cart with Drip's Shopper Activity API, for abandoned-cart emails. Drip takes the whole " +
    'cart each time: Product Added and Product Removed carry one product, not the cart, so they are not mapped here.',
  defaultSubscription: 'type = "track" and (event = "Cart Viewed" or event = "Checkout Started")',
  fields: {
    ...shopperPerson,
    action: {
      label: 'Action',
      description: 'Whether the cart was created or updated.',
      type: 'string',
      required: true,
      choices: [
        { label: 'created', value: 'created' },
        { label: 'updated', value: 'updated' }
      ],
      default: 'updated'
    },
    occurred_at: eventTime,
    cart_id: {
      label: 'Cart ID',
      description: "The cart's id in your store: the cart id, else the checkout id, else the order id.",
      type: 'string',
      required: true,
      default: firstOf(['$.properties.cart_id', '$.properties.checkout_id', '$.properties.order_id'])
    },
    cart_public_id: {
      label: 'Cart Public ID',
      description: 'The cart number your customer sees, shown in Drip.',
      type: 'string',
      required: false
    },
    cart_url: {
      label: 'Cart URL',
      description:
        "A link back to the cart in your store, for the abandoned-cart email: properties.cart_url, else the page's URL. " +
        'Events from a server have no page: set Cart URL Template for them. Drip needs one or the other.',
      type: 'string',
      // Not required of the runtime: when empty, the template makes it, and the refusal says what to set.
      required: false,
      default: firstOf(['$.properties.cart_url', '$.context.page.url'])
    },
    cart_url_template: {
      label: 'Cart URL Template',
      description:
        "The cart's URL in your store, made from the cart when Cart URL is empty, as it is for events from a server " +
        '(no page): e.g. https://shop.example.com/cart/{cart_id}. {cart_id} and {cart_public_id} are replaced by the ' +
        "cart's, URL-encoded. Set it once for a server-side shop; abandoned-cart emails link to it.",
      type: 'string',
      required: false
    },
    grand_total: money('Grand Total', "The cart's total, discounts included.", [
      '$.properties.total',
      '$.properties.revenue',
      '$.properties.value'
    ]),
    total_discounts: money('Total Discounts', 'The discounts on the whole cart.', '$.properties.discount'),
    currency,
    items,
    batch_size,
    enable_batching
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
