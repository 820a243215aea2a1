import dayjs from 'dayjs'
import type { JSONLikeObject } from '@segment/actions-core'
import { isIP } from 'net'
import type { Built } from './drip-api'
import { DRIP_MAX_CONVERSION_VALUE } from './constants'
import type { Payload as IdentifyPayload } from './identify/generated-types'
import type { Payload as TrackEventPayload } from './trackEvent/generated-types'

// Segment payloads (already mapped and schema-checked by actions-core) turned into the records Drip takes. One builder
// per record kind, shared by perform and performBatch. A value Drip cannot take is left out with a note, unless the
// record would be meaningless without it; then the payload gets an error naming the field and the reason.

type Value = string | number | boolean | string[] | Record<string, string> | JSONLikeObject | undefined

/** A subscriber as Drip's POST /v2/:account_id/subscribers and /subscribers/batches take it. */
export interface DripSubscriber {
  [key: string]: Value
  email: string
}

/** An event as Drip's POST /v2/:account_id/events and /events/batches take it. */
export interface DripEvent {
  [key: string]: Value
  email: string
  action: string
}

/**
 * `standardTraits`: the trait keys a standard Drip field already takes (see `traitKeysReadBy`), which are not repeated
 * as custom fields.
 */
export function buildSubscriber(payload: IdentifyPayload, standardTraits: ReadonlySet<string>): Built<DripSubscriber> {
  const notes: string[] = []
  const [firstFromName, lastFromName] = splitName(payload.name)
  const address = payload.address ?? {}
  const subscriber: DripSubscriber = {
    email: payload.email,
    new_email: newEmail(payload.new_email, notes),
    user_id: text(payload.user_id),
    first_name: text(payload.first_name) ?? firstFromName,
    last_name: text(payload.last_name) ?? lastFromName,
    address1: text(address.street),
    city: text(address.city),
    state: text(address.state),
    zip: text(address.postal_code),
    country: text(address.country),
    phone: text(payload.phone),
    sms_number: smsNumber(payload.sms_number, notes),
    sms_consent: payload.sms_consent,
    time_zone: text(payload.timezone),
    ip_address: ipAddress(payload.ip, notes),
    lifetime_value: cents(payload.lifetime_value),
    prospect: payload.prospect,
    base_lead_score: payload.base_lead_score,
    eu_consent: euConsent(payload.eu_consent, notes),
    eu_consent_message: text(payload.eu_consent_message),
    initial_status: payload.initial_status,
    status: payload.status,
    status_updated_at: isoDate(payload.status_updated_at),
    tags: tagList(payload.tags),
    remove_tags: tagList(payload.remove_tags),
    // Mapped custom fields come last, so they win over other traits of the same name.
    custom_fields: customFields([otherTraits(payload.traits, standardTraits), payload.custom_fields], notes)
  }
  // A consent message means nothing without the consent it belongs to.
  if (subscriber.eu_consent === undefined) subscriber.eu_consent_message = undefined
  return withNotes({ record: withoutUndefined(subscriber) }, notes)
}

export function buildEvent(payload: TrackEventPayload): Built<DripEvent> {
  const action = payload.action?.trim()
  if (!action) return { error: 'Action: the event name is empty; Drip needs an action name for every event.' }
  const notes: string[] = []
  let properties = payload.properties as JSONLikeObject | undefined
  if (properties && 'value' in properties && !isConversionValue(properties.value)) {
    // Drip reads properties.value as the conversion value: anything but integer cents would refuse the event.
    properties = { ...properties }
    delete properties.value
    notes.push('Properties: "value" left out: Drip reads it as the conversion value, in whole cents.')
  }
  if (payload.value !== undefined && payload.value !== null) {
    const value = cents(payload.value)
    if (value === undefined || Math.abs(value) >= DRIP_MAX_CONVERSION_VALUE) {
      return {
        error: `Conversion Value: ${payload.value} is beyond what Drip stores (below 21,474,836.47 in currency units).`
      }
    }
    properties = { ...(properties ?? {}), value }
  }
  // Built field by field rather than filtered: this runs for every track event, and the runtime's own work per
  // event is small (see the README's Performance section).
  const event: DripEvent = { email: payload.email, action }
  if (properties !== undefined) event.properties = properties
  const occurredAt = isoDate(payload.occurred_at)
  if (occurredAt !== undefined) event.occurred_at = occurredAt
  if (payload.prospect !== undefined) event.prospect = payload.prospect
  return withNotes({ record: event }, notes)
}

function isConversionValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < DRIP_MAX_CONVERSION_VALUE
}

/**
 * Custom field keys as Drip asks for them, lowercase words joined by underscores: `planName`, `Plan Name` and
 * `plan-name` all become `plan_name`. Keys starting `drip_` are Drip's own, so ours get a `segment_` prefix.
 */
export function customFieldKey(key: string): string {
  let dripKey = customFieldKeys.get(key)
  if (dripKey === undefined) {
    const snake = key
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
    dripKey = snake.startsWith('drip_') ? `segment_${snake}` : snake
    // The same few trait names come by on every event: remember them (a bounded number, so memory stays flat).
    if (customFieldKeys.size < 10_000) customFieldKeys.set(key, dripKey)
  }
  return dripKey
}
const customFieldKeys = new Map<string, string>()

/**
 * Drip stores custom field values as strings: objects and arrays become JSON, nulls are dropped. The sources are
 * applied in order, so a later one wins for the same Drip key.
 */
export function customFields(
  sources: Array<Record<string, unknown> | undefined>,
  notes: string[] = []
): Record<string, string> | undefined {
  const result: Record<string, string> = {}
  let empty = true
  for (const fields of sources) {
    if (!fields) continue
    for (const key in fields) {
      const value = fields[key]
      if (value === null || value === undefined) continue
      const dripKey = customFieldKey(key)
      if (!dripKey) {
        notes.push(`Custom fields: "${key}" left out: no letters or digits to make a Drip field name of.`)
        continue
      }
      result[dripKey] = typeof value === 'object' ? JSON.stringify(value) : String(value)
      empty = false
    }
  }
  return empty ? undefined : result
}

/** The traits no standard field takes (Engage audiences and computed traits among them). */
function otherTraits(
  traits: Record<string, unknown> | undefined,
  standardTraits: ReadonlySet<string>
): Record<string, unknown> | undefined {
  if (!traits) return undefined
  const other: Record<string, unknown> = {}
  for (const key in traits) if (!standardTraits.has(key)) other[key] = traits[key]
  return other
}

/** Comma-delimited strings, or arrays of them → trimmed, non-empty, de-duplicated tags. */
export function tagList(tags: string | string[] | undefined): string[] | undefined {
  if (tags === undefined || tags === null) return undefined
  const list = (Array.isArray(tags) ? tags : [tags])
    .flatMap((tag) => String(tag).split(','))
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0)
  const unique = [...new Set(list)]
  return unique.length > 0 ? unique : undefined
}

/** IPv4 or IPv6; anything else is left out rather than failing the person. */
export function ipAddress(ip: string | undefined, notes: string[] = []): string | undefined {
  const value = ip?.trim()
  if (!value) return undefined
  if (isIP(value)) return value
  notes.push('IP Address left out: not an IPv4 or IPv6 address.')
  return undefined
}

/**
 * Drip's SMS channel takes E.164 US numbers (+1 and ten digits). Spaces, dashes, dots and brackets are dropped and a
 * leading 00 becomes +; a number that is still not one Drip takes (no country code, another country) is left out.
 */
export function smsNumber(value: string | undefined, notes: string[] = []): string | undefined {
  const raw = value?.trim()
  if (!raw) return undefined
  const number = raw.replace(/[\s\-.()]/g, '').replace(/^00/, '+')
  if (/^\+1\d{10}$/.test(number)) return number
  notes.push('SMS Number left out: Drip takes US numbers in E.164 form with the country code, e.g. +16125551212.')
  return undefined
}

function newEmail(value: string | undefined, notes: string[]): string | undefined {
  const email = value?.trim()
  if (!email) return undefined
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return email
  notes.push('New Email left out: not a valid email address, so the email was not changed.')
  return undefined
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

/** Currency units → integer cents (12.34 → 1234). */
export function cents(amount: number | undefined): number | undefined {
  if (amount === undefined || amount === null || !Number.isFinite(Number(amount))) return undefined
  return Math.round(Number(amount) * 100)
}

/** Anything dayjs parses → ISO-8601 UTC; empty or unparsable → left out. */
export function isoDate(value: string | number | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string') {
    // Most of Segment's timestamps already are what Drip gets: keep them when they name a real instant (Date.parse
    // rolls 31 February over to March, hence the day check).
    if (CANONICAL_UTC.test(value)) {
      const ms = Date.parse(value)
      if (!Number.isNaN(ms) && new Date(ms).getUTCDate() === Number(value.slice(8, 10))) return value
    }
    // Other ISO-8601 times with a zone: Date reads them exactly as dayjs does, and faster.
    if (ISO_WITH_ZONE.test(value)) {
      const date = new Date(value)
      if (!Number.isNaN(date.getTime())) return date.toISOString()
    }
  }
  const date = dayjs(value)
  return date.isValid() ? date.toISOString() : undefined
}
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

function text(value: string | number | undefined): string | undefined {
  if (value === undefined || value === null) return undefined
  const trimmed = String(value).trim()
  return trimmed || undefined
}

function withNotes<T>(built: { record: T }, notes: string[]): Built<T> {
  return notes.length > 0 ? { ...built, notes } : built
}

/** The record without its undefined fields, as a fresh object (deleting keys slows V8's objects down). */
function withoutUndefined<T extends object>(record: T): T {
  const result = {} as T
  for (const key in record) if (record[key] !== undefined) result[key] = record[key]
  return result
}
