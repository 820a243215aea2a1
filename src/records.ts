import dayjs from 'dayjs'
import type { JSONLikeObject } from '@segment/actions-core'
import { isIP } from 'net'
import type { Built } from './drip-api'
import type { Payload as IdentifyPayload } from './identify/generated-types'
import type { Payload as TrackEventPayload } from './trackEvent/generated-types'

// Segment payloads (already mapped and schema-checked by actions-core) turned into the records Drip takes. One builder
// per record kind, shared by perform and performBatch.

/** A subscriber as Drip's POST /v2/:account_id/subscribers and /subscribers/batches take it. */
export interface DripSubscriber {
  [key: string]: string | boolean | number | string[] | Record<string, string> | undefined
  email: string
}

/** An event as Drip's POST /v2/:account_id/events and /events/batches take it. */
export interface DripEvent {
  [key: string]: string | boolean | JSONLikeObject | undefined
  email: string
  action: string
}

export function buildSubscriber(payload: IdentifyPayload): Built<DripSubscriber> {
  const subscriber: DripSubscriber = {
    email: payload.email,
    custom_fields: customFields(payload.custom_fields),
    ip_address: ipAddress(payload.ip),
    sms_number: payload.sms_number?.trim() || undefined,
    initial_status: payload.initial_status,
    status: payload.status,
    status_updated_at: isoDate(payload.status_updated_at),
    tags: tagList(payload.tags),
    time_zone: payload.timezone?.trim() || undefined
  }
  return { record: withoutUndefined(subscriber) }
}

export function buildEvent(payload: TrackEventPayload): Built<DripEvent> {
  const action = payload.action?.trim()
  if (!action) return { error: 'Action: the event name is empty; Drip needs an action name for every event.' }
  const event: DripEvent = {
    email: payload.email,
    action,
    properties: payload.properties as JSONLikeObject | undefined
  }
  return { record: withoutUndefined(event) }
}

/** Drip stores custom field values as strings: objects and arrays become JSON, nulls are dropped. */
export function customFields(fields: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!fields) return undefined
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue
    result[key] = typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
  return Object.keys(result).length > 0 ? result : undefined
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
export function ipAddress(ip: string | undefined): string | undefined {
  const value = ip?.trim()
  return value && isIP(value) ? value : undefined
}

/** Anything dayjs parses → ISO-8601 UTC; empty or unparsable → left out. */
export function isoDate(value: string | number | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const date = dayjs(value)
  return date.isValid() ? date.toISOString() : undefined
}

function withoutUndefined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as Array<keyof T>) {
    if (record[key] === undefined) delete record[key]
  }
  return record
}
