import type { Payload as IdentifyPayload } from '../identify/generated-types'
import { audienceTraitKey } from './audience'
import { buildSubscriber, customFieldKey } from './subscriber'
import type { DripSubscriber } from './subscriber'
import { text } from './values'
import type { Built } from './values'

// Segment's Consent Management stamps every event with the person's preferences by category
// (`context.consent.categoryPreferences`, e.g. {"Marketing": true}). The admin names the category that stands for
// Drip's EU consent; its preference then becomes Drip's `eu_consent`: true granted, false denied. An event without
// a consent object, or whose object does not name that category, changes nothing.

/** Where `{category}` in EU Consent Message Template puts the category's name. */
const CATEGORY = /\{category\}/g

/**
 * The payload with EU Consent (and its message, and on a denial optionally Status) taken from the consent object;
 * the payload as it was when the object says nothing of the category. Notes say what it overrode.
 */
export function withConsent(payload: IdentifyPayload, notes: string[]): IdentifyPayload {
  const category = text(payload.consent_category)
  const preferences = payload.consent_preferences
  if (!category || !preferences || !Object.prototype.hasOwnProperty.call(preferences, category)) return payload
  const preference = preferences[category]
  if (typeof preference !== 'boolean') {
    notes.push(
      `Consent Preferences: "${category}" is ${String(JSON.stringify(preference)).slice(0, 80)}, neither true nor ` +
        'false, so EU Consent was not taken from it.'
    )
    return payload
  }
  const consent = preference ? 'granted' : 'denied'
  const mapped = text(payload.eu_consent)?.toLowerCase()
  if (mapped && mapped !== consent) {
    notes.push(`EU Consent: "${consent}" from the consent object's "${category}" was kept over "${mapped}" as mapped.`)
  }
  const template = text(payload.consent_message_template)
  const changed: IdentifyPayload = {
    ...payload,
    eu_consent: consent,
    eu_consent_message: template ? template.replace(CATEGORY, category) : payload.eu_consent_message
  }
  if (!preference && payload.unsubscribe_on_denied === true) {
    const status = text(payload.status)
    if (status && status !== 'unsubscribed') {
      notes.push(`Status: "unsubscribed" (consent to "${category}" denied) was kept over "${status}" as mapped.`)
    }
    changed.status = 'unsubscribed'
  }
  return changed
}

/**
 * Identify's person, with EU Consent from the consent object (withConsent) and without the true/false trait of an
 * audience kept as a Drip tag (audienceTraitKey): the tag says it, and a custom field reading "true" would say it
 * twice. The notes say what the consent object overrode.
 */
export function engagedSubscriber(
  payload: IdentifyPayload,
  standardTraits: ReadonlySet<string>
): Built<DripSubscriber> {
  const audience = audienceTraitKey(payload)
  const leftOut = audience ? new Set([...standardTraits, customFieldKey(audience)]) : standardTraits
  const notes: string[] = []
  const built = buildSubscriber(withConsent(payload, notes), leftOut)
  if ('error' in built || notes.length === 0) return built
  return { ...built, notes: [...notes, ...(built.notes ?? [])] }
}
