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
   * What happened to the order. Refunded and canceled orders take Refund Amount, not Grand Total.
   */
  action: string
  /**
   * When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.
   */
  occurred_at?: string
  /**
   * The order's id in your store; with Provider, what makes the order unique in Drip.
   */
  order_id: string
  /**
   * The order number your customer sees (e.g. #1001), shown in Drip.
   */
  order_public_id?: string
  /**
   * The order's total, discounts included. In currency units (e.g. 12.34).
   */
  grand_total?: number
  /**
   * The discounts on the whole order. In currency units (e.g. 12.34).
   */
  total_discounts?: number
  /**
   * The taxes on the whole order. In currency units (e.g. 12.34).
   */
  total_taxes?: number
  /**
   * The fees on the whole order. In currency units (e.g. 12.34).
   */
  total_fees?: number
  /**
   * The shipping on the whole order. In currency units (e.g. 12.34).
   */
  total_shipping?: number
  /**
   * What was refunded: Drip takes it off the person's lifetime value (leave Grand Total unchanged). In currency units (e.g. 12.34).
   */
  refund_amount?: number
  /**
   * The ISO 4217 code of the currency (e.g. USD), upper-cased before it is sent.
   */
  currency?: string
  /**
   * A link to the order in your store's customer account pages.
   */
  order_url?: string
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
   * The order's billing address. Segment's e-commerce spec has none: map it from your own properties.
   */
  billing_address?: {
    label?: string
    first_name?: string
    last_name?: string
    company?: string
    address_1?: string
    address_2?: string
    city?: string
    state?: string
    postal_code?: string
    country?: string
    phone?: string
  }
  /**
   * The order's shipping address. Segment's e-commerce spec has none: map it from your own properties.
   */
  shipping_address?: {
    label?: string
    first_name?: string
    last_name?: string
    company?: string
    address_1?: string
    address_2?: string
    city?: string
    state?: string
    postal_code?: string
    country?: string
    phone?: string
  }
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
