// Generated file. DO NOT MODIFY IT BY HAND.
import type { Item, ShopperPerson } from '../generated-types'

export interface Payload extends ShopperPerson {
  /**
   * Whether the cart was created or updated.
   */
  action: string
  /**
   * When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.
   */
  occurred_at?: string
  /**
   * The cart's id in your store: the cart id, else the checkout id, else the order id.
   */
  cart_id: string
  /**
   * The cart number your customer sees, shown in Drip.
   */
  cart_public_id?: string
  /**
   * A link back to the cart in your store, for the abandoned-cart email: properties.cart_url, else the page's URL.
   */
  cart_url: string
  /**
   * The cart's total, discounts included. In currency units (e.g. 12.34).
   */
  grand_total?: number
  /**
   * The discounts on the whole cart. In currency units (e.g. 12.34).
   */
  total_discounts?: number
  /**
   * The ISO 4217 code of the currency (e.g. USD), upper-cased before it is sent.
   */
  currency?: string
  /**
   * The order's or cart's products. By default from the event's products: product_id, variant_id (else product_id) as the variant, sku, name, brand, category, price, quantity, url and image_url; variant, coupon and position ride along as custom attributes of the item.
   */
  items?: Item[]
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
