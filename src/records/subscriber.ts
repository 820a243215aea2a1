import type { Payload as IdentifyPayload } from '../identify/generated-types'
import {
  dripInteger,
  IDENTIFY_EMAIL_DEFAULT,
  inMinorUnits,
  personEmail,
  ipAddress,
  isoDate,
  optionalEmail,
  ownKeys,
  smsNumber,
  snakeCase,
  subscriptionStatus,
  tagChanges,
  text,
  withNotes
} from './values'
import type { Built } from './values'

// A Segment identify (mapped by the Identify action's fields) → the person Drip's POST /v2/:account_id/subscribers
// and /subscribers/batches take.

type Value = string | number | boolean | string[] | Record<string, string> | undefined

export interface DripSubscriber {
  [key: string]: Value
  email: string
}

/**
 * `standardTraits`: the trait keys a standard Drip field already takes (see `traitKeysReadBy`), which are not repeated
 * as custom fields.
 */
export function buildSubscriber(payload: IdentifyPayload, standardTraits: ReadonlySet<string>): Built<DripSubscriber> {
  const who = personEmail(payload.email, 'Email Address', IDENTIFY_EMAIL_DEFAULT)
  if ('error' in who) return who
  const initialStatus = subscriptionStatus(payload.initial_status, 'Initial Status')
  if ('error' in initialStatus) return initialStatus
  const status = subscriptionStatus(payload.status, 'Status')
  if ('error' in status) return status
  const notes: string[] = []
  const [firstFromName, lastFromName] = splitName(payload.name)
  const address = payload.address
  // Only the fields that have a value, in Drip's order: built key by key, not as a whole object filtered afterwards
  // (this runs for every identify; most of its 26 fields are empty).
  const subscriber: DripSubscriber = { email: who.email }
  const put = (key: string, value: Value) => {
    if (value !== undefined) subscriber[key] = value
  }
  put('new_email', optionalEmail(payload.new_email, 'New Email', notes))
  put('user_id', text(payload.user_id))
  put('first_name', text(payload.first_name) ?? firstFromName)
  put('last_name', text(payload.last_name) ?? lastFromName)
  if (address) {
    put('address1', text(address.street))
    put('city', text(address.city))
    put('state', text(address.state))
    // Segment's spec names it postalCode; postal_code is read too.
    put('zip', text(address.postalCode) ?? text(address.postal_code))
    put('country', text(address.country))
  }
  put('phone', text(payload.phone))
  put('sms_number', smsNumber(payload.sms_number, notes))
  put('sms_consent', payload.sms_consent)
  put('time_zone', text(payload.timezone))
  put('ip_address', ipAddress(payload.ip, notes))
  put(
    'lifetime_value',
    dripInteger(
      inMinorUnits(payload.lifetime_value, payload.currency, notes, 'Lifetime Value'),
      "Lifetime Value (in the currency's smallest unit)",
      notes
    )
  )
  put('prospect', payload.prospect)
  put('base_lead_score', dripInteger(payload.base_lead_score, 'Base Lead Score', notes))
  const consent = euConsent(payload.eu_consent, notes)
  put('eu_consent', consent)
  // A consent message means nothing without the consent it belongs to.
  const consentMessage = text(payload.eu_consent_message)
  if (consent !== undefined) put('eu_consent_message', consentMessage)
  else if (consentMessage)
    notes.push('EU Consent Message left out: it goes only with an EU Consent of granted or denied.')
  put('initial_status', initialStatus.status)
  put('status', status.status)
  put('status_updated_at', isoDate(payload.status_updated_at, 'Status Updated At', notes))
  const tags = tagChanges(payload.tags, payload.remove_tags, notes)
  put('tags', tags.add)
  put('remove_tags', tags.remove)
  // Mapped custom fields come last, so they win over other traits of the same name.
  put(
    'custom_fields',
    customFields(
      [
        {
          fields: otherTraits(payload.traits, standardTraits, notes),
          names: payload.trait_field_names as CustomFieldNames | undefined,
          label: 'Other Traits'
        },
        { fields: payload.custom_fields, label: 'Custom fields' }
      ],
      notes
    )
  )
  return withNotes(subscriber, notes)
}

/**
 * Custom field keys as Drip's docs ask for them, lowercase words joined by underscores: `planName`, `Plan Name` and
 * `plan-name` all become `plan_name`. Keys starting `drip_` are Drip's own, so ours get a `segment_` prefix. Applied
 * only where an admin chose it (Other Traits' field names) and to tell which traits a standard field already reads.
 */
export function customFieldKey(key: string): string {
  let dripKey = customFieldKeys.get(key)
  if (dripKey === undefined) {
    const snake = snakeCase(key)
    dripKey = snake.startsWith('drip_') ? `segment_${snake}` : snake
    // The same few trait names come by on every event: short ones are remembered, in a cache bounded in bytes
    // (at most 1,024 keys of at most 64 characters, about 0.3 MB, whatever senders send), emptied when full.
    if (key.length <= CACHED_KEY_MAX) {
      if (customFieldKeys.size >= CACHED_KEYS) customFieldKeys.clear()
      customFieldKeys.set(key, dripKey)
    }
  }
  return dripKey
}
const CACHED_KEYS = 1024
const CACHED_KEY_MAX = 64
const customFieldKeys = new Map<string, string>()

/** How the keys of one source of custom fields become Drip's: as sent, or in Drip's style (see customFieldKey). */
export type CustomFieldNames = 'as_sent' | 'drip_style'

/** One source of custom fields, and how its keys are named in Drip. */
export interface CustomFieldSource {
  fields: Record<string, unknown> | undefined
  names?: CustomFieldNames
  /** Where the values came from, for notes: "Other Traits", "Custom fields". */
  label: string
}

/**
 * Drip stores custom field values as strings: objects and arrays become JSON, nulls are dropped. Keys are written as
 * the mapping gives them (Drip segments, Liquid and workflows read them by that name) unless the source asks for
 * Drip's style. The sources are applied in order, so a later one wins for the same Drip key; when two values meet at
 * one key, a note says which one was kept.
 */
export function customFields(sources: CustomFieldSource[], notes: string[] = []): Record<string, string> | undefined {
  const result: Record<string, string> = {}
  const origins = new Map<string, string>()
  for (const { fields, names, label } of sources) {
    if (!fields) continue
    for (const key of ownKeys(fields, label, notes)) {
      const value = fields[key]
      if (value === null || value === undefined) continue
      const dripKey = names === 'drip_style' ? customFieldKey(key) : key
      if (!dripKey) {
        notes.push(`${label}: "${key}" left out: no letters or digits to make a Drip field name of.`)
        continue
      }
      const origin = `${label} "${key}"`
      const earlier = origins.get(dripKey)
      if (earlier !== undefined) notes.push(`Custom field ${dripKey}: ${origin} was kept over ${earlier}.`)
      origins.set(dripKey, origin)
      result[dripKey] = typeof value === 'object' ? JSON.stringify(value) : String(value)
    }
  }
  return origins.size > 0 ? result : undefined
}

/**
 * The traits no standard field takes (Engage audiences and computed traits among them). A trait a standard field
 * reads is left out however it is spelt: `firstName`, `first_name` and `FirstName` are all the first name.
 */
function otherTraits(
  traits: Record<string, unknown> | undefined,
  standardTraits: ReadonlySet<string>,
  notes: string[]
): Record<string, unknown> | undefined {
  if (!traits) return undefined
  const other: Record<string, unknown> = {}
  for (const key of ownKeys(traits, 'Other Traits', notes)) {
    if (!standardTraits.has(customFieldKey(key))) other[key] = traits[key]
  }
  return other
}

function euConsent(value: string | undefined, notes: string[]): string | undefined {
  const consent = value?.trim().toLowerCase()
  if (!consent) return undefined
  if (consent === 'granted' || consent === 'denied') return consent
  notes.push('EU Consent left out: Drip takes "granted" or "denied".')
  return undefined
}

/** `Ada King Lovelace` → first name `Ada`, last name `King Lovelace`. */
function splitName(name: string | undefined): [string | undefined, string | undefined] {
  const parts = name?.trim().split(/\s+/).filter(Boolean) ?? []
  if (parts.length === 0) return [undefined, undefined]
  return [parts[0], parts.length > 1 ? parts.slice(1).join(' ') : undefined]
}
