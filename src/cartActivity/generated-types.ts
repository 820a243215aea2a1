// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * Where the order, cart or product comes from, in lower snake case (e.g. my_store). Drip keeps orders unique by provider and id, so it must be the same on every event of an order. Keep "segment" unless Drip already gets these orders from another integration under its name (Drip's Shopify integration: shopify).
   */
  provider: string
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
  /**
   * The subscription status of a person Drip does not know yet. Drip subscribes such a person when this is left out, so it defaults to unsubscribed unless the event says otherwise (properties.initial_status).
   */
  initial_status?: string
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
   * A link back to the cart in your store, for the abandoned-cart email: properties.cart_url, else the page's URL. Events from a server have no page: set Cart URL Template for them. Drip needs one or the other.
   */
  cart_url?: string
  /**
   * The cart's URL in your store, made from the cart when Cart URL is empty, as it is for events from a server (no page): e.g. https://shop.example.com/cart/{cart_id}. {cart_id} and {cart_public_id} are replaced by the cart's, URL-encoded. Set it once for a server-side shop; abandoned-cart emails link to it.
   */
  cart_url_template?: string
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
  items?: {
    product_id?: string
    product_variant_id?: string
    sku?: string
    name?: string
    brand?: string
    categories?: string[]
    price?: number
    quantity?: number
    product_url?: string
    image_url?: string
    variant?: string
    coupon?: string
    position?: number
  }[]
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
