import type { JSONLikeObject } from '@segment/actions-core'
import type { Payload as TrackEventPayload } from '../trackEvent/generated-types'
import type { Built } from './values'
import { DRIP_MAX_CONVERSION_VALUE } from '../constants'
import { inMinorUnits, isoDate, personEmail, withNotes, withoutPrototypeKey } from './values'

// A Segment track (mapped by the Track Event action's fields) → the event Drip's POST /v2/:account_id/events and
// /events/batches take.

export interface DripEvent {
  [key: string]: string | boolean | JSONLikeObject | undefined
  email: string
  action: string
}

export function buildEvent(payload: TrackEventPayload): Built<DripEvent> {
  const action = payload.action?.trim()
  if (!action) return { error: 'Action: the event name is empty; Drip needs an action name for every event.' }
  const who = personEmail(payload.email)
  if ('error' in who) return who
  const notes: string[] = []
  const given = payload.properties && (withoutPrototypeKey(payload.properties, 'Properties', notes) as JSONLikeObject)
  // Drip reads properties.value as the conversion value: anything but integer cents would refuse the event.
  const unusable = given !== undefined && 'value' in given && !isConversionValue(given.value)
  if (unusable) notes.push('Properties: "value" left out: Drip reads it as the conversion value, in whole cents.')
  let value: number | undefined
  if (payload.value !== undefined && payload.value !== null) {
    const units = inMinorUnits(payload.value, payload.currency, notes, 'Conversion Value')
    if (units !== undefined && Math.abs(units) < DRIP_MAX_CONVERSION_VALUE) value = units
    else {
      // The event still counts without its value: sent, and the note says what was left out.
      notes.push(
        `Conversion Value left out: ${payload.value} is beyond what Drip stores (below ` +
          `${DRIP_MAX_CONVERSION_VALUE.toLocaleString('en')} in the currency's smallest unit).`
      )
    }
  }
  // The payload's own properties object is sent unless value must change; then one copy, with value in its place or
  // added last, as before. (Copying every event's properties was most of this function's cost.)
  let properties = given
  if (value !== undefined && given?.value !== value) {
    properties = unusable ? withoutValue(given) : copyOf(given)
    properties.value = value
  } else if (unusable) properties = withoutValue(given)
  // Built field by field rather than filtered: this runs for every track event, and the runtime's own work per
  // event is small.
  const event: DripEvent = { email: who.email, action }
  if (properties !== undefined) event.properties = properties
  const occurredAt = isoDate(payload.occurred_at, 'Event Time', notes)
  if (occurredAt !== undefined) event.occurred_at = occurredAt
  if (payload.prospect !== undefined) event.prospect = payload.prospect
  return withNotes(event, notes)
}

function isConversionValue(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < DRIP_MAX_CONVERSION_VALUE
}

/**
 * A shallow copy of the properties, to which value is then added. Object.assign into a fresh object, then value: on
 * V8 (Node 20) that measured about a third of the cost of `{ ...properties, value }`. An own `__proto__` key
 * (JSON.parse makes one) would set the copy's prototype through assign, so such properties are spread instead.
 */
function copyOf(properties: JSONLikeObject | undefined): JSONLikeObject {
  if (properties === undefined) return {}
  return Object.prototype.hasOwnProperty.call(properties, '__proto__')
    ? { ...properties }
    : Object.assign({}, properties)
}

/** The properties without value, in their order (rare: only when the payload's value is one Drip cannot take). */
function withoutValue(properties: JSONLikeObject): JSONLikeObject {
  const rest = { ...properties }
  delete rest.value
  return rest
}
