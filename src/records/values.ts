import { isIP } from 'net'
import dayjs from 'dayjs'
import customParseFormat from 'dayjs/plugin/customParseFormat'
import utc from 'dayjs/plugin/utc'
import type { Dayjs } from 'dayjs'
import { DRIP_MAX_INTEGER, EMAIL_MAX_LENGTH, ISO_4217_CODES } from '../constants'

// The value rules every record kind shares: dates, money, emails, tags, numbers. A value Drip cannot take is left out
// with a note, unless the record would be meaningless without it; then the payload gets an error naming the field.

/** A Segment payload turned into the record Drip takes, with notes on values left out; or why it cannot be sent. */
export type Built<T> = { record: T; notes?: string[] } | { error: string }

export function withNotes<T>(record: T, notes: string[]): Built<T> {
  return notes.length > 0 ? { record, notes } : { record }
}

/** The record without its undefined fields, as a fresh object (deleting keys slows V8's objects down). */
export function withoutUndefined<T extends object>(record: T): T {
  const result = {} as T
  for (const key in record) if (record[key] !== undefined) result[key] = record[key]
  return result
}

/** Lowercase words joined by underscores, as Drip names providers and (by choice) custom fields: `Plan Name` → plan_name. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** A trimmed, non-empty string, or undefined. */
export function text(value: string | number | undefined): string | undefined {
  if (value === undefined || value === null) return undefined
  const trimmed = String(value).trim()
  return trimmed || undefined
}

/** A value the destination cannot do without, by its label: `{ value }`, or why the payload cannot be sent. */
export function needed(value: string | undefined, label: string, what: string): { value: string } | { error: string } {
  const given = text(value)
  return given ? { value: given } : { error: `${label}: empty. ${what}` }
}

// ---------------------------------------------------------------------------------------------------------------
// Values that go into a URL
// ---------------------------------------------------------------------------------------------------------------

/**
 * A payload value that goes into a request's path (an email, a tag, an id) as one literal segment, encoded; or why it
 * cannot be. `.` and `..` walk out of their place when the URL is normalised, and `/`, `\`, `?`, `#` and control
 * characters end the segment or the path: refused, and so is anything that decodes (as a server may decode a path
 * again) or normalises (NFKC, as `．` to `.`) to one of them.
 */
export function pathSegment(value: string, label: string): { segment: string } | { error: string } {
  const refused = (problem: string) => ({
    error:
      `${label}: ${JSON.stringify(value.slice(0, 80))} cannot be sent to Drip: it ${problem}, and this value goes ` +
      "into the request's URL, where it must stay one literal part of the path."
  })
  let form = value
  for (let decodings = 0; ; decodings++) {
    const problem = segmentProblem(form.normalize('NFKC'))
    if (problem) return refused(problem)
    const decoded = decodedOnce(form)
    if (decoded === form) return { segment: encodeURIComponent(value) }
    if (decodings === MAX_DECODINGS) return refused('is URL-encoded over and over')
    form = decoded
  }
}

const MAX_DECODINGS = 4

/** `%xx` escapes decoded once; a value that is no valid encoding is taken as it is. */
function decodedOnce(form: string): string {
  try {
    return decodeURIComponent(form)
  } catch {
    return form
  }
}

function segmentProblem(form: string): string | undefined {
  const trimmed = form.trim()
  if (!trimmed) return 'is empty'
  if (trimmed === '.' || trimmed === '..') return `reads as "${trimmed}"`
  const separator = /[/\\?#]/.exec(form)
  if (separator) return `contains "${separator[0]}"`
  if (/\p{Cc}/u.test(form)) return 'contains a control character (a line break, say)'
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Keys that go into a record
// ---------------------------------------------------------------------------------------------------------------

// Set on an object, `__proto__` replaces its prototype; Segment's mapping does just that with a sender's `__proto__`
// key, whose own keys would then read as the object's.
const PROTOTYPE_KEY = '__proto__'

/** Whether a payload object came with a `__proto__` key (as its own key, or made its prototype by the mapping). */
function hasPrototypeKey(object: object): boolean {
  const prototype = Object.getPrototypeOf(object)
  return (
    (prototype !== Object.prototype && prototype !== null) ||
    Object.prototype.hasOwnProperty.call(object, PROTOTYPE_KEY)
  )
}

/** A payload object's own keys, `__proto__` left out with a note naming where it was. */
export function ownKeys(object: object, label: string, notes: string[]): string[] {
  if (!hasPrototypeKey(object)) return Object.keys(object)
  notes.push(`${label}: "${PROTOTYPE_KEY}" left out: no name a Drip field can have.`)
  return Object.keys(object).filter((key) => key !== PROTOTYPE_KEY)
}

/** A payload object as a record may carry it: itself, or when it came with `__proto__`, a copy without it (noted). */
export function withoutPrototypeKey<T extends object>(object: T, label: string, notes: string[]): T {
  if (!hasPrototypeKey(object)) return object
  const copy = {} as Record<string, unknown>
  for (const key of ownKeys(object, label, notes)) copy[key] = (object as Record<string, unknown>)[key]
  return copy as T
}

// ---------------------------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------------------------

// An address as RFC 5322's dot-atom local part and a domain name: what ajv-formats (and so Segment's runtime) takes.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i

/** Why this (trimmed) email cannot be a person's identity in Drip, or undefined when it can. */
export function emailProblem(email: string, label: string): string | undefined {
  if (email.length > EMAIL_MAX_LENGTH) {
    return `${label}: ${email.length} characters, longer than an email address can be (${EMAIL_MAX_LENGTH}, RFC 5321); Drip refuses it.`
  }
  if (!EMAIL.test(email)) return `${label}: ${JSON.stringify(email.slice(0, 80))} is not a valid email address.`
  return undefined
}

/** Where an event's Email Address default looks (fields.ts eventEmail); Identify's looks in traits first. */
const EVENT_EMAIL_DEFAULT = 'properties.email, then context.traits.email'
export const IDENTIFY_EMAIL_DEFAULT = 'traits.email, then properties.email'

/**
 * A person's email as Drip takes it: stray spaces trimmed (forms leave them; Segment's runtime would refuse the
 * address for them), its case kept (Drip matches emails without regard to case), then checked.
 */
export function personEmail(
  value: string | undefined,
  label = 'Email Address',
  looked = EVENT_EMAIL_DEFAULT
): { email: string } | { error: string } {
  const email = String(value ?? '').trim()
  if (!email) {
    return {
      error: `${label}: empty. The default looks in ${looked}; map ${label} to where your events carry the person's email.`
    }
  }
  const problem = emailProblem(email, label)
  return problem ? { error: problem } : { email }
}

/** An optional email (New Email): a valid address, else left out with a note. */
export function optionalEmail(value: string | undefined, label: string, notes: string[]): string | undefined {
  const email = value?.trim()
  if (!email) return undefined
  if (!emailProblem(email, label)) return email
  notes.push(`${label} left out: not a valid email address.`)
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers and money
// ---------------------------------------------------------------------------------------------------------------

/** Currency units → integer cents (12.34 → 1234); undefined when not a finite number. */
export function cents(amount: number | undefined): number | undefined {
  return minorUnits(amount, 2)
}

/** Currency units → integer minor units with `digits` decimals (JPY 0, USD 2, KWD 3). */
function minorUnits(amount: number | undefined, digits: number): number | undefined {
  if (amount === undefined || amount === null || !Number.isFinite(Number(amount))) return undefined
  return Math.round(Number(amount) * 10 ** digits)
}

/** A note when an amount had more decimals than its currency has minor units, so rounding changed it. */
function noteRounding(
  amount: number | undefined,
  units: number | undefined,
  digits: number,
  what: string,
  notes: string[]
) {
  if (amount === undefined || units === undefined) return
  if (Math.abs(Number(amount) * 10 ** digits - units) > 1e-6) {
    notes.push(`${what}: ${amount} rounded to ${units / 10 ** digits}, as its currency has ${digits} decimals.`)
  }
}

// Made on first use, not when the package loads (Segment's runtime loads it on every cold start).
let iso4217: Set<string> | undefined
const minorDigits = new Map<string, number>()

/** Whether an upper-cased code is an ISO 4217 currency. */
function isCurrencyCode(code: string): boolean {
  iso4217 ??= new Set(ISO_4217_CODES)
  return iso4217.has(code)
}

/** An ISO 4217 code, upper-cased as Drip takes it; anything else is left out with a note. */
export function currencyCode(value: string | undefined, notes: string[]): string | undefined {
  const code = value?.trim().toUpperCase()
  if (!code) return undefined
  if (isCurrencyCode(code)) return code
  notes.push(`Currency left out: "${value}" is not an ISO 4217 currency code (e.g. USD).`)
  return undefined
}

/**
 * An amount in the smallest unit of its currency, as Drip's integer money fields take it: 48.00 USD → 4800,
 * 4800 JPY → 4800 (no minor unit), 1.234 KWD → 1234, by the currency's ISO 4217 digits. Without a currency, cents;
 * with one that is not ISO 4217, cents and a note naming Currency.
 */
export function inMinorUnits(
  amount: number | undefined,
  currency: string | undefined,
  notes: string[],
  what = 'Amount'
): number | undefined {
  // Most amounts are in dollars or name no currency: cents, without reading the code or looking it up.
  if (currency === undefined || currency === null || currency === 'USD') return roundedCents(amount, what, notes)
  const code = currency.trim().toUpperCase()
  if (!code || !isCurrencyCode(code)) {
    if (code)
      notes.push(`Currency: "${currency}" is not an ISO 4217 code; the amount was taken as having two decimals.`)
    return roundedCents(amount, what, notes)
  }
  let digits = minorDigits.get(code)
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits
    minorDigits.set(code, digits ?? 2)
  }
  const units = minorUnits(amount, digits ?? 2)
  noteRounding(amount, units, digits ?? 2, what, notes)
  return units
}

/** An amount in cents, with a note when it had more than two decimals. */
function roundedCents(amount: number | undefined, what: string, notes: string[]): number | undefined {
  const units = cents(amount)
  noteRounding(amount, units, 2, what, notes)
  return units
}

/** An integer Drip can store (it keeps 32-bit integers; one beyond makes it refuse the whole batch), else a note. */
export function dripInteger(value: number | undefined, label: string, notes: string[]): number | undefined {
  if (value === undefined || value === null) return undefined
  if (Number.isInteger(value) && Math.abs(value) <= DRIP_MAX_INTEGER) return value
  notes.push(`${label} left out: ${value} is beyond the integers Drip stores (up to ${DRIP_MAX_INTEGER}).`)
  return undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Subscription statuses
// ---------------------------------------------------------------------------------------------------------------

const SUBSCRIPTION_STATUSES = ['active', 'unsubscribed']

/**
 * A person's subscription status as Drip takes it: `active` or `unsubscribed`, in any case and trimmed ("Active" is
 * active). Any other value is refused with the field's label rather than left out: without it a new person may be
 * created subscribed, which a value like "awaiting_confirmation" does not mean.
 */
export function subscriptionStatus(value: string | undefined, label: string): { status?: string } | { error: string } {
  const given = text(value)
  if (given === undefined) return {}
  const status = given.toLowerCase()
  if (SUBSCRIPTION_STATUSES.includes(status)) return { status }
  return {
    error:
      `${label}: ${JSON.stringify(given.slice(0, 80))} is not a subscription status Drip takes: it takes active or ` +
      `unsubscribed (in any case). Map ${label} to one of them, or leave it empty.`
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tags, IP addresses, SMS numbers
// ---------------------------------------------------------------------------------------------------------------

/** Comma-delimited strings, or arrays of them → trimmed, non-empty, de-duplicated tags. */
export function tagList(tags: string | string[] | undefined): string[] | undefined {
  if (tags === undefined || tags === null) return undefined
  // Built in one list: this runs for most identifies, usually on one short string such as "a,b".
  const list: string[] = []
  const add = (text: string) => {
    for (const part of text.split(',')) {
      const tag = part.trim()
      if (tag.length > 0) list.push(tag)
    }
  }
  if (Array.isArray(tags)) for (const tag of tags) add(String(tag))
  else add(String(tags))
  if (list.length === 0) return undefined
  return list.length === 1 ? list : [...new Set(list)]
}

/**
 * Tags to add and tags to remove. A tag in both is left out of both, with a note: sent, it would be added and
 * removed in the same change, to no end.
 */
export function tagChanges(
  add: string | string[] | undefined,
  remove: string | string[] | undefined,
  notes: string[]
): { add?: string[]; remove?: string[] } {
  const adding = tagList(add)
  const removing = tagList(remove)
  if (!adding || !removing) return { add: adding, remove: removing }
  const both = adding.filter((tag) => removing.includes(tag))
  if (both.length === 0) return { add: adding, remove: removing }
  notes.push(
    `Tags ${both.map((tag) => JSON.stringify(tag)).join(', ')} left out: in both Tags to Add and Tags to Remove, ` +
      'which would add and remove them at once.'
  )
  const neither = (tags: string[]) => {
    const kept = tags.filter((tag) => !both.includes(tag))
    return kept.length > 0 ? kept : undefined
  }
  return { add: neither(adding), remove: neither(removing) }
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

// ---------------------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------------------

dayjs.extend(utc)
dayjs.extend(customParseFormat)

/**
 * Segment's own timestamp form (`YYYY-MM-DDTHH:mm:ss.sssZ`), strictly: a year taken (1900 to 2099), a month, a time
 * of day that exists (00:00:00.000 to 23:59:59.999), in UTC, and `days`.
 */
const canonicalUtc = (days: string) =>
  new RegExp(`^(?:19|20)\\d{2}-(?:0[1-9]|1[0-2])-${days}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}Z$`)
/** With a day every month has, a real instant as it stands. */
const CANONICAL_UTC = canonicalUtc('(?:0[1-9]|1\\d|2[0-8])')
/** With a day only some months have, real or not by the calendar: dayjs's to say. */
const CANONICAL_UTC_LATE_DAY = canonicalUtc('(?:29|3[01])')
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const RFC_2822 =
  /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|Z|[+-]\d{4})$/i
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
/** The wall-clock time of an ISO or RFC 2822 value, as dayjs parses it strictly (in UTC; the zone is applied after). */
const WALL_CLOCK = 'YYYY-MM-DD HH:mm:ss'
/** ISO and RFC 2822 times are taken from 1900 to 2099; epoch numbers only from 2000, where seconds and milliseconds cannot be confused. */
const EARLIEST_DATE = Date.UTC(1900, 0, 1)
const EARLIEST_EPOCH = Date.UTC(2000, 0, 1)
const LATEST = Date.UTC(2100, 0, 1)

/**
 * A date field's value as the ISO-8601 UTC instant Drip gets, or undefined (empty, or left out with a note naming the
 * field). Taken: ISO-8601 (a time without a zone is UTC), RFC 2822, and epoch seconds or milliseconds (as numbers or
 * digit strings, told apart by size). Never rolled over into another date: 30 February is refused, not 2 March.
 */
export function isoDate(value: string | number | undefined, label: string, notes: string[]): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') {
    const trimmed = value.trim()
    if (!trimmed) return undefined
    // Most of Segment's timestamps already are what Drip gets: kept as they are when they name a real instant.
    if (isCanonicalInstant(trimmed)) return trimmed
  }
  const time = instant(value)
  if (time !== undefined) return time.toISOString()
  notes.push(
    `${label} left out: ${JSON.stringify(String(value).slice(0, 40))} is not a real date and time between 1900 and ` +
      '2099 (ISO-8601, RFC 2822, or epoch seconds or milliseconds after 2000).'
  )
  return undefined
}

/** The instant of a value isoDate takes, in UTC, else undefined. */
function instant(value: string | number): Dayjs | undefined {
  const digits = typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined
  if (digits !== undefined) {
    if (!Number.isFinite(digits)) return undefined
    // Seconds until 5138, milliseconds after 1973: within the window taken, the two cannot be confused.
    const ms = Math.abs(digits) < 1e11 ? digits * 1000 : digits
    return ms >= EARLIEST_EPOCH && ms < LATEST ? dayjs.utc(Math.round(ms)) : undefined
  }
  const text = String(value).trim()
  const iso = ISO_8601.exec(text)
  if (iso) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '0', zone] = iso
    return fromParts(y, mo, d, `${h}:${mi}:${s}`, Math.round(Number(`0.${fraction}`) * 1000), zone)
  }
  const rfc = RFC_2822.exec(text)
  if (rfc) {
    const [, d, monthName, y, h, mi, s = '00', zone] = rfc
    // The month by its name, in any case, and the day padded: dayjs's strict MMM and D would refuse "NOV" and "05".
    const month = MONTHS.indexOf(monthName.toLowerCase()) + 1
    return month > 0 ? fromParts(y, twoDigits(month), d.padStart(2, '0'), `${h}:${mi}:${s}`, 0, zone) : undefined
  }
  return undefined
}

/**
 * The instant of a date and wall-clock time in a zone, within the years taken. dayjs parses the wall clock strictly:
 * a day, hour, minute or second that does not exist (30 February, 24:00, 23:60) is refused, not rolled over.
 */
function fromParts(y: string, mo: string, d: string, clock: string, ms: number, zone?: string): Dayjs | undefined {
  const offset = zoneOffsetMinutes(zone)
  if (offset === undefined) return undefined
  const wallClock = dayjs.utc(`${y}-${mo}-${d} ${clock}`, WALL_CLOCK, true)
  // Invalid is NaN; isValid() would find that out by formatting the date as a local-time string, about 1 µs more.
  if (Number.isNaN(wallClock.valueOf())) return undefined
  // The fraction and the zone in one step. The offset is subtracted, not set with dayjs's utcOffset: that reads an
  // offset of up to 16 as hours (+00:15 would be 15 hours), and with keepLocalTime depends on the machine's zone.
  const time = wallClock.add(ms - offset * 60_000, 'millisecond')
  const at = time.valueOf()
  return at >= EARLIEST_DATE && at < LATEST ? time : undefined
}

const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n))

/** A zone's offset from UTC in minutes: Z, GMT, UTC (or none) is 0; ±HH, ±HHMM, ±HH:MM up to 14 hours. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || /^(z|gmt|utc)$/i.test(zone)) return 0
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (!match) return undefined
  const hours = Number(match[2])
  const minutes = Number(match[3] ?? 0)
  if (hours > 14 || minutes > 59) return undefined
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

/**
 * Segment's own timestamp, when it names a real instant within the years taken. Most events carry one, so the common
 * case is settled by its form alone; a 29th, 30th or 31st is read by dayjs's plain ISO parse (about an eighth of the
 * cost of the strict format parse), and the way back makes that as strict: a day the month does not have parses to
 * another day, so it does not print as itself, and then goes the strict way. A test checks that the two ways agree.
 */
function isCanonicalInstant(value: string): boolean {
  if (CANONICAL_UTC.test(value)) return true
  if (!CANONICAL_UTC_LATE_DAY.test(value)) return false
  const time = dayjs.utc(value)
  // NaN (a parse that gives no date) is checked first: toISOString throws on it.
  return !Number.isNaN(time.valueOf()) && time.toISOString() === value
}
