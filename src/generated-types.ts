// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * Account ID for your Drip account. You can find this in your Drip account settings.
   */
  accountId: string
  /**
   * API key for your Drip account. You can find this in your Drip account settings.
   */
  apiKey: string
}

export interface Item {
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
}

export interface Address {
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

export interface ShopperPerson {
  /**
   * Where the order, cart or product comes from, in lower snake case (e.g. my_store). Drip keeps orders unique by provider and id, so it must be the same on every event of an order. Keep "segment" unless Drip already gets these orders from another integration under its name (Drip's Shopify integration: shopify).
   */
  provider: string
  /**
   * The person's email address.
   */
  email: string
  /**
   * The subscription status of a person Drip does not know yet. Drip subscribes such a person when this is left out, so it defaults to unsubscribed unless the event says otherwise (properties.initial_status).
   */
  initial_status?: string
}

export interface JoiningSubscriber {
  /**
   * The person's email address.
   */
  email: string
  /**
   * Your own id for the person (Drip's user_id).
   */
  user_id?: string
  /**
   * The person's time zone (an Olson name such as Europe/London).
   */
  time_zone?: string
  /**
   * Custom fields to set on the person; values are sent as strings, keys in Drip's lowercase_underscore form.
   */
  custom_fields?: {
    [k: string]: unknown
  }
  /**
   * Tags to apply to the person: a comma delimited list or an array. Pick from the account's tags or type new ones.
   */
  tags?: string[]
  /**
   * Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.
   */
  prospect?: boolean
}
