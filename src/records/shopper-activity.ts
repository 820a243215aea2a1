import type { JSONLikeObject } from '@segment/actions-core'
import type { Address, Item, ShopperPerson } from './shapes'
import type { Payload as OrderPayload } from '../orderActivity/generated-types'
import type { Payload as CartPayload } from '../cartActivity/generated-types'
import type { Payload as ProductPayload } from '../productActivity/generated-types'
import {
  currencyCode,
  dripInteger,
  isoDate,
  personEmail,
  snakeCase,
  tagList,
  text,
  withNotes,
  withoutUndefined
} from './values'
import type { Built } from './values'

// Segment's e-commerce events (mapped by the Order, Cart and Product Activity fields) → the orders, carts and products
// Drip's Shopper Activity API (v3) takes. Money stays in currency units here, as v3 wants it (v2 events take cents).

export type DripShopperRecord = JSONLikeObject & { provider: string; action: string }

/**
 * Drip keeps orders unique by provider and id, and takes the provider in lower snake case: another spelling is sent
 * in that case (the same on every event, so an order stays one order), with a note; one with no letters or digits
 * cannot be, and refuses the payload.
 */
function dripProvider(value: string, notes: string[]): { provider: string } | { error: string } {
  const provider = snakeCase(value)
  if (!provider) {
    return {
      error:
        `Provider: ${JSON.stringify(value)} has no letters or digits; set Provider to your store's name in lower ` +
        'snake case (e.g. my_store).'
    }
  }
  if (provider !== value)
    notes.push(`Provider: ${JSON.stringify(value)} sent as "${provider}", as Drip takes providers.`)
  return { provider }
}

/** A money amount in currency units, as given, when it is a finite number. */
function amount(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/**
 * The items of an order or cart. `required`: what Drip needs on each item of this kind (the product variant id is
 * filled from the product id when missing, as Drip advises). Segment's variant, coupon and position ride along as
 * custom attributes.
 */
function buildItems(
  items: Item[] | undefined,
  kind: 'order' | 'cart',
  required: Array<'name' | 'product_id' | 'price'>
): { items?: JSONLikeObject[] } | { error: string } {
  if (!items || items.length === 0) return {}
  const built: JSONLikeObject[] = []
  for (const [index, item] of items.entries()) {
    const productId = text(item.product_id)
    const record = withoutUndefined({
      product_id: productId,
      product_variant_id: text(item.product_variant_id) ?? productId,
      sku: text(item.sku),
      name: text(item.name),
      brand: text(item.brand),
      categories: tagList(item.categories as string | string[] | undefined),
      price: amount(item.price),
      quantity: amount(item.quantity),
      product_url: text(item.product_url),
      image_url: text(item.image_url),
      variant: text(item.variant),
      coupon: text(item.coupon),
      position: amount(item.position)
    })
    const missing = required.find((field) => (record as JSONLikeObject)[field] === undefined)
    if (missing) {
      return {
        error: `Items: item ${index + 1} (index ${index}) has no ${missing}; Drip needs one on every ${kind} item.`
      }
    }
    built.push(record as JSONLikeObject)
  }
  return { items: built }
}

/** What orders and carts share: the provider, the person, the time and the currency. */
function shopperBasics(
  payload: ShopperPerson & { action: string; occurred_at?: string; currency?: string },
  notes: string[]
): { fields: JSONLikeObject } | { error: string } {
  const dripped = dripProvider(payload.provider, notes)
  if ('error' in dripped) return dripped
  const { provider } = dripped
  const who = personEmail(payload.email)
  if ('error' in who) return who
  return {
    fields: {
      provider,
      email: who.email,
      initial_status: payload.initial_status,
      action: payload.action,
      occurred_at: isoDate(payload.occurred_at, 'Event Time', notes),
      currency: currencyCode(payload.currency, notes)
    }
  }
}

export function buildOrder(payload: OrderPayload): Built<DripShopperRecord> {
  const notes: string[] = []
  const basics = shopperBasics(payload, notes)
  if ('error' in basics) return basics
  const items = buildItems(payload.items, 'order', ['name'])
  if ('error' in items) return items
  const refund = payload.action === 'refunded' || payload.action === 'canceled'
  if (refund && payload.refund_amount === undefined) {
    notes.push("Refund Amount is empty: Drip lowers the person's lifetime value only by a refund amount.")
  }
  // A refund keeps the order's total as it was (Drip's rule): a mapped Grand Total would change it.
  const grandTotal = refund ? undefined : payload.grand_total
  if (refund && payload.grand_total !== undefined) {
    notes.push(
      `Grand Total left out: a ${payload.action} order keeps its total; Drip takes the refund as Refund Amount.`
    )
  }
  const order = withoutUndefined({
    ...basics.fields,
    order_id: payload.order_id,
    order_public_id: text(payload.order_public_id),
    grand_total: amount(grandTotal),
    total_discounts: amount(payload.total_discounts),
    total_taxes: amount(payload.total_taxes),
    total_fees: amount(payload.total_fees),
    total_shipping: amount(payload.total_shipping),
    refund_amount: amount(payload.refund_amount),
    order_url: text(payload.order_url),
    items: items.items,
    billing_address: address(payload.billing_address),
    shipping_address: address(payload.shipping_address)
  }) as unknown as DripShopperRecord
  return withNotes(order, notes)
}

/**
 * The cart's URL: Cart URL (the event's, or its page's), else Cart URL Template filled in. Drip refuses a cart without
 * one, and never gets a made-up one: with nothing to build from, the refusal says which field to set.
 */
function cartUrl(payload: CartPayload): { url: string } | { error: string } {
  const given = text(payload.cart_url)
  if (given) return { url: given }
  const template = text(payload.cart_url_template)
  if (!template) {
    return {
      error:
        'Cart URL: empty, and Drip needs a link to every cart (its abandoned-cart emails point to it). The default ' +
        "looks in properties.cart_url, then the page's URL (context.page.url), which events from a server do not " +
        'have: set Cart URL Template once, e.g. https://shop.example.com/cart/{cart_id}, or map Cart URL to where ' +
        'your events carry it.'
    }
  }
  const url = template
    .replace(/\{cart_id\}/g, encodeURIComponent(payload.cart_id))
    .replace(/\{cart_public_id\}/g, encodeURIComponent(text(payload.cart_public_id) ?? payload.cart_id))
  if (!/^https?:\/\/[^\s/]+\.[^\s]+$/.test(url)) {
    return {
      error:
        `Cart URL Template: ${JSON.stringify(template)} does not make a web address (https://...) for this cart, ` +
        'e.g. https://shop.example.com/cart/{cart_id}.'
    }
  }
  return { url }
}

export function buildCart(payload: CartPayload): Built<DripShopperRecord> {
  const notes: string[] = []
  const basics = shopperBasics(payload, notes)
  if ('error' in basics) return basics
  const items = buildItems(payload.items, 'cart', ['product_id', 'name', 'price'])
  if ('error' in items) return items
  const link = cartUrl(payload)
  if ('error' in link) return link
  const cart = withoutUndefined({
    ...basics.fields,
    cart_id: payload.cart_id,
    cart_public_id: text(payload.cart_public_id),
    cart_url: link.url,
    grand_total: amount(payload.grand_total),
    total_discounts: amount(payload.total_discounts),
    items: items.items
  }) as unknown as DripShopperRecord
  return withNotes(cart, notes)
}

export function buildProduct(payload: ProductPayload): Built<DripShopperRecord> {
  const notes: string[] = []
  const dripped = dripProvider(payload.provider, notes)
  if ('error' in dripped) return dripped
  const { provider } = dripped
  const product = withoutUndefined({
    provider,
    action: payload.action,
    occurred_at: isoDate(payload.occurred_at, 'Event Time', notes),
    product_id: payload.product_id,
    product_variant_id: payload.product_variant_id,
    sku: text(payload.sku),
    name: payload.name,
    brand: text(payload.brand),
    categories: tagList(payload.categories),
    currency: currencyCode(payload.currency, notes),
    price: payload.price,
    inventory: dripInteger(payload.inventory, 'Inventory', notes),
    product_url: text(payload.product_url),
    image_url: text(payload.image_url)
  }) as unknown as DripShopperRecord
  return withNotes(product, notes)
}

/** An address object without its empty parts; undefined when nothing is left. */
function address(value: Address | undefined): Record<string, string> | undefined {
  if (!value) return undefined
  const parts = Object.fromEntries(
    Object.entries(value)
      .map(([key, part]) => [key, text(part)])
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
  )
  return Object.keys(parts).length > 0 ? parts : undefined
}
