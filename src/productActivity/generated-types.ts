// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * Where the order, cart or product comes from, in lower snake case (e.g. my_store). Drip keeps orders unique by provider and id, so it must be the same on every event of an order. Keep "segment" unless Drip already gets these orders from another integration under its name (Drip's Shopify integration: shopify).
   */
  provider: string
  /**
   * Whether the product was created, updated or deleted.
   */
  action: string
  /**
   * When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.
   */
  occurred_at?: string
  /**
   * The product's id in your store.
   */
  product_id: string
  /**
   * The variant's id; Drip asks for the product id again when there are no variants.
   */
  product_variant_id: string
  /**
   * The product's SKU.
   */
  sku?: string
  /**
   * The product's name.
   */
  name: string
  /**
   * The product's brand, vendor or manufacturer.
   */
  brand?: string
  /**
   * The product's categories.
   */
  categories?: string[]
  /**
   * The price of one. In currency units (e.g. 12.34).
   */
  price: number
  /**
   * The ISO 4217 code of the currency (e.g. USD), upper-cased before it is sent.
   */
  currency?: string
  /**
   * How many are available.
   */
  inventory?: number
  /**
   * The product's page in your store.
   */
  product_url?: string
  /**
   * A direct link to the product's image (JPEG, GIF or PNG).
   */
  image_url?: string
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
