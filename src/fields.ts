import type { InputField } from '@segment/actions-core'
import { DRIP_BATCH_MAX } from './constants'

// Fields that more than one action declares, so every action labels and fills them the same way.

export const email: InputField = {
  label: 'Email Address',
  description: "The person's email address.",
  type: 'string',
  // No `format`: the runtime would refuse a valid address with a stray space before the destination could trim it.
  required: true
}

export const enable_batching: InputField = {
  label: 'Enable Batching?',
  description: 'When enabled, Segment will send events in batches.',
  type: 'boolean',
  required: false,
  // On by default: a batch too small to be worth one of Drip's 50 batch requests an hour goes out as single requests
  // (see SMALL_BATCH), so batching never spends Drip's budget worse than sending every event alone, and serves bursts
  // that the 3,600 single requests could not (npm run bench, 5. Traffic).
  default: true
}

export const batch_size: InputField = {
  label: 'Batch Size',
  description:
    'Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.',
  type: 'integer',
  required: false,
  minimum: 1,
  maximum: DRIP_BATCH_MAX,
  default: DRIP_BATCH_MAX,
  // Shown only when batching is on, and only as a number typed in, never mapped from an event.
  depends_on: { conditions: [{ fieldKey: 'enable_batching', operator: 'is', value: true }] },
  disabledInputMethods: ['variable', 'function', 'enrichment', 'freeform']
}

export const prospect: InputField = {
  label: 'Prospect',
  description:
    'Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.',
  type: 'boolean',
  required: false
}

const path = (at: string) => ({ '@path': at })
/** The value at the first of several paths that has one, else `otherwise` (when given). */
export function firstOf(paths: string[], otherwise?: string): InputField['default'] {
  return paths.reduceRight<unknown>(
    (rest, at) => (rest === undefined ? path(at) : { '@if': { exists: path(at), then: path(at), else: rest } }),
    otherwise
  ) as InputField['default']
}

/** The person an event is about: the email in its properties, else the one Segment's libraries keep in context. */
export const eventEmail: InputField = {
  ...email,
  default: firstOf(['$.properties.email', '$.context.traits.email'])
}

/**
 * The person an event is about, for actions that refuse an empty one themselves, saying where the default looked
 * (the runtime's refusal could only name the key).
 */
export const eventPersonEmail: InputField = {
  ...eventEmail,
  description:
    "The person's email address: the default looks in properties.email, then context.traits.email (the identified " +
    "person's traits, which Segment's libraries add to every event).",
  required: false
}

export const eventTime: InputField = {
  label: 'Event Time',
  description:
    'When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is ' +
    'given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.',
  // A string, not a datetime: the runtime checks datetimes differently in onEvent and onBatch (an empty one passes
  // one and fails the other), and lets impossible dates through; the destination's own date rule decides instead.
  type: 'string',
  required: false,
  default: path('$.timestamp')
}

/** The currency of a v2 money amount, which Drip takes as an integer in the currency's smallest unit. */
export const minorUnitCurrency: InputField = {
  label: 'Currency',
  description:
    "The ISO 4217 code of the amount's currency: Drip takes the amount in the currency's smallest unit (cents for " +
    'USD; JPY has none, KWD has three). Without one, cents.',
  type: 'string',
  required: false
}

const ACRONYMS = new Set(['id', 'sku', 'url'])

/** Parts of an object field that are plain text, each labelled from its key (`address_1`: Address 1, `sku`: SKU). */
export function textParts(keys: string[]): NonNullable<InputField['properties']> {
  const labelOf = (key: string) =>
    key
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .split('_')
      .map((word) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1)))
      .join(' ')
  return Object.fromEntries(keys.map((key) => [key, { label: labelOf(key), type: 'string' }]))
}

/**
 * The trait keys that fields read by default (`$.traits.<key>`, also inside `@if`), so that the traits a standard
 * Drip field takes are not sent again as custom fields.
 */
export function traitKeysReadBy(fields: Record<string, InputField>): Set<string> {
  const keys = new Set<string>()
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      // Warehouse rows carry the same columns in properties (see Identify's defaults).
      const match = /^\$\.(?:traits|properties)\.([^.[\]]+)/.exec(value)
      if (match) keys.add(match[1])
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit)
    }
  }
  Object.values(fields).forEach((field) => visit(field.default))
  return keys
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle (tags, Email Series, workflows)
// ---------------------------------------------------------------------------------------------------------------

export const tagsToAdd: InputField = {
  label: 'Tags to Add',
  description:
    "Tags to apply to the person: a comma delimited list or an array. Pick from the account's tags or type new ones.",
  type: 'string',
  multiple: true,
  required: false,
  dynamic: true
}

export const tagsToRemove: InputField = {
  label: 'Tags to Remove',
  description: 'Tags to take off the person: a comma delimited list or an array.',
  type: 'string',
  multiple: true,
  required: false,
  dynamic: true
}

export const userId: InputField = {
  label: 'User ID',
  description: "Your own id for the person (Drip's user_id).",
  type: 'string',
  required: false,
  default: path('$.userId')
}

export const timeZone: InputField = {
  label: 'Timezone',
  description: "The person's time zone (an Olson name such as Europe/London).",
  type: 'string',
  required: false,
  default: path('$.context.timezone')
}

export const workflowId: InputField = {
  label: 'Workflow',
  description:
    'The workflow (active ones are listed). Drip silently ignores a workflow that is not active: the request succeeds ' +
    'and nothing happens, so activate the workflow in Drip first.',
  type: 'string',
  // Refused by the destination when empty, by its label (the runtime's refusal would name the key).
  required: false,
  dynamic: true
}

export const personCustomFields: InputField = {
  label: 'Custom fields',
  description: 'Custom fields to set on the person; values are sent as strings, keys as given here.',
  type: 'object',
  required: false
}

/** The person as an Email Series or a workflow takes them (created or updated as they join). */
export const joiningSubscriber: Record<
  'email' | 'user_id' | 'time_zone' | 'custom_fields' | 'tags' | 'prospect',
  InputField
> = {
  email: eventPersonEmail,
  user_id: userId,
  time_zone: timeZone,
  custom_fields: personCustomFields,
  tags: { ...tagsToAdd, label: 'Tags', dynamic: false },
  prospect
}

// ---------------------------------------------------------------------------------------------------------------
// Shopper Activity (orders, carts, products)
// ---------------------------------------------------------------------------------------------------------------

export const provider: InputField = {
  label: 'Provider',
  description:
    'Where the order, cart or product comes from, in lower snake case (e.g. my_store). Drip keeps orders unique by ' +
    'provider and id, so it must be the same on every event of an order. Keep "segment" unless Drip already gets ' +
    "these orders from another integration under its name (Drip's Shopify integration: shopify).",
  type: 'string',
  required: true,
  default: 'segment'
}

export const shopperInitialStatus: InputField = {
  label: 'Initial Status',
  description:
    'The subscription status of a person Drip does not know yet. Drip subscribes such a person when this is left ' +
    'out, so it defaults to unsubscribed unless the event says otherwise (properties.initial_status).',
  type: 'string',
  required: false,
  choices: [
    { label: 'Active', value: 'active' },
    { label: 'Unsubscribed', value: 'unsubscribed' }
  ],
  default: firstOf(['$.properties.initial_status'], 'unsubscribed')
}

/** Who an order or cart comes from, and about whom: the fields orders and carts open with. */
export const shopperPerson: Record<'provider' | 'email' | 'initial_status', InputField> = {
  provider,
  email: eventPersonEmail,
  initial_status: shopperInitialStatus
}

export const currency: InputField = {
  label: 'Currency',
  description: 'The ISO 4217 code of the currency (e.g. USD), upper-cased before it is sent.',
  type: 'string',
  required: false,
  default: path('$.properties.currency')
}

/** A money amount in currency units (Shopper Activity takes 12.34, not cents). */
export function money(label: string, description: string, at?: string | string[]): InputField {
  const paths = Array.isArray(at) ? at : at ? [at] : []
  return {
    label,
    description: `${description} In currency units (e.g. 12.34).`,
    type: 'number',
    required: false,
    ...(paths.length > 0 ? { default: firstOf(paths) } : {})
  }
}

/** The products of an order or cart, from Segment's `products` array (E-commerce spec V2). */
export const items: InputField = {
  label: 'Items',
  description:
    "The order's or cart's products. By default from the event's products: product_id, variant_id (else " +
    'product_id) as the variant, sku, name, brand, category, price, quantity, url and image_url; variant, coupon and ' +
    'position ride along as custom attributes of the item.',
  type: 'object',
  multiple: true,
  required: false,
  properties: {
    ...textParts(['product_id', 'product_variant_id', 'sku', 'name', 'brand']),
    categories: { label: 'Categories', type: 'string', multiple: true },
    price: { label: 'Price', type: 'number' },
    quantity: { label: 'Quantity', type: 'number' },
    ...textParts(['product_url', 'image_url']),
    variant: { label: 'Variant (custom attribute)', type: 'string' },
    coupon: { label: 'Coupon (custom attribute)', type: 'string' },
    position: { label: 'Position (custom attribute)', type: 'number' }
  },
  default: {
    '@arrayPath': [
      '$.properties.products',
      {
        product_id: path('$.product_id'),
        // Drip asks for the product id again when there is no variant id; Segment's `variant` is a label, not an id.
        product_variant_id: firstOf(['$.variant_id', '$.product_id']),
        sku: path('$.sku'),
        name: path('$.name'),
        brand: path('$.brand'),
        categories: path('$.category'),
        price: path('$.price'),
        quantity: path('$.quantity'),
        product_url: path('$.url'),
        image_url: path('$.image_url'),
        variant: path('$.variant'),
        coupon: path('$.coupon'),
        position: path('$.position')
      }
    ]
  }
}

/** The parts of a billing or shipping address, as Drip's Shopper Activity API names them. */
export const addressParts = textParts([
  'label',
  'first_name',
  'last_name',
  'company',
  'address_1',
  'address_2',
  'city',
  'state',
  'postal_code',
  'country',
  'phone'
])

/** A billing or shipping address of an order (Segment's spec has none: mapping only). */
export function address(label: string): InputField {
  return {
    label,
    description: `The order's ${label.toLowerCase()}. Segment's e-commerce spec has none: map it from your own properties.`,
    type: 'object',
    required: false,
    properties: addressParts
  }
}
