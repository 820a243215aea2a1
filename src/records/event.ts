import type { JSONLikeObject } from '@segment/actions-core'
import type { Payload as TrackEventPayload } from '../trackEvent/generated-types'
import { DRIP_MAX_CONVERSION_VALUE } from '../constants'
import { inMinorUnits, isoDate, personEmail, withNotes, type Built } from './values'

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
  let properties = payload.properties as JSONLikeObject | undefined
  if (properties && 'value' in properties && !isConversionValue(properties.value)) {
    // Drip reads properties.value as the conversion value: anything but integer cents would refuse the event.
    properties = { ...properties }
    delete properties.value
    notes.push('Properties: "value" left out: Drip reads it as the conversion value, in whole cents.')
  }
  if (payload.value !== undefined && payload.value !== null) {
    const value = inMinorUnits(payload.value, payload.currency, notes, 'Conversion Value')
    if (value !== undefined && Math.abs(value) < DRIP_MAX_CONVERSION_VALUE)
      properties = { ...(properties ?? {}), value }
    else {
      // The event still counts without its value: sent, and the note says what was left out.
      notes.push(
        `Conversion Value left out: ${payload.value} is beyond what Drip stores (below ` +
          `${DRIP_MAX_CONVERSION_VALUE.toLocaleString('en')} in the currency's smallest unit).`
      )
    }
  }
  // Built field by field rather than filtered: this runs for every track event, and the runtime's own work per
  // event is small (see the README's Performance section).
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
