import type { Payload as OrderPayload } from '../orderActivity/generated-types'
import type { Payload as CampaignPayload } from '../subscribeToCampaign/generated-types'

// Shapes that several payloads share, named once. They are derived from the generated payloads (the generator writes
// each action's types from its fields alone, as action-destinations' does), and the fields behind them are shared
// in fields.ts, so an order's items are a cart's items and every joining person has the same parts.

/** A product line of an order or a cart (fields.ts `items`). */
export type Item = NonNullable<OrderPayload['items']>[number]

/** A billing or shipping address (fields.ts `addressParts`). */
export type Address = NonNullable<OrderPayload['billing_address']>

/** Who an order or cart comes from, and about whom (fields.ts `shopperPerson`). */
export type ShopperPerson = Pick<OrderPayload, 'provider' | 'email' | 'initial_status'>

/** The person as an Email Series or a workflow takes them (fields.ts `joiningSubscriber`). */
export type JoiningSubscriber = Pick<
  CampaignPayload,
  'email' | 'user_id' | 'time_zone' | 'custom_fields' | 'tags' | 'prospect'
>
