import type { JSONLikeObject } from '@segment/actions-core'
import type { Payload as SyncAudiencePayload } from '../syncAudience/generated-types'
import type { Payload as IdentifyPayload } from '../identify/generated-types'
import type { Plan } from '../drip-api'
import { tagsPlan, tagsRecord } from './lifecycle'
import { pathSegment, personEmail, text } from './values'
import type { Built } from './values'

// Audiences as Drip tags: a person entering an Engage audience, a journey step, a Linked Audience or a warehouse
// model gets the audience's tag, and loses it on leaving. Whether the person entered or left is the runtime's
// answer (resolveAudienceMembership): the audience's key in the event's properties (track) or traits (identify),
// true or false, or, for a Reverse ETL model, the row's event under the mapping's sync mode.

/** A tag that stands for an audience: one tag (no comma, which would make two) that can go into a path. */
export function audienceTag(value: string | undefined, label: string): { tag: string } | { error: string } {
  const tag = text(value)
  if (!tag) return { error: `${label}: empty, so the audience has no Drip tag to add or remove.` }
  if (tag.includes(',')) {
    return { error: `${label}: ${JSON.stringify(tag.slice(0, 80))} holds a comma, which Drip would read as two tags.` }
  }
  const segment = pathSegment(tag, label)
  return 'error' in segment ? segment : { tag }
}

/** One person's membership change, as Sync Audience sends it: the tag to add (member) or remove (not a member). */
export interface AudienceChange {
  email?: string
  tag?: string
  /** From the runtime: true entered, false exited, undefined when the event says neither. */
  member?: boolean
}

/** Where Sync Audience's Email Address default looks. */
const EMAIL_DEFAULT = 'properties.email (track), traits.email (identify), then context.traits.email'

/** Where the tag came from, for messages: the mapping's Tag field, or the tag saved when the mapping was saved. */
const TAG_LABEL = 'Tag'

export const NO_MEMBERSHIP =
  'This event says neither that the person entered the audience nor that they left it. Sync Audience reads it where ' +
  "Engage, Journeys and Linked Audiences put it: the audience's key (context.personas.computation_key) in the " +
  'properties (track) or traits (identify), true or false. For a warehouse model (Reverse ETL), pick a sync mode.'

/**
 * The change a payload asks for. `savedTag` is the tag the mapping's save hook chose for a warehouse model: it wins,
 * as it is the one the admin confirmed.
 */
export function audienceChange(
  payload: SyncAudiencePayload,
  member: boolean | undefined,
  savedTag?: string
): AudienceChange {
  // Classic Journeys send a step's entry with no true/false at the step's key, and never an exit (actions-core after
  // 3.170.0 reads it the same way, behind a flag).
  const entered = member ?? (payload.computation_class === 'journey_step' ? true : undefined)
  return { email: payload.email, tag: savedTag ?? payload.tag, member: entered }
}

/** The change as the Add or Remove Tags action takes it: the tag to add, or the tag to remove. */
function asTags(change: AudienceChange): Built<{ email?: string; tags?: string[]; remove_tags?: string[] }> {
  if (change.member === undefined) return { error: NO_MEMBERSHIP }
  const who = personEmail(change.email, 'Email Address', EMAIL_DEFAULT)
  if ('error' in who) return who
  const checked = audienceTag(change.tag, TAG_LABEL)
  if ('error' in checked) return checked
  const tags = [checked.tag]
  return { record: change.member ? { email: who.email, tags } : { email: who.email, remove_tags: tags } }
}

/** Alone: `POST /tags` to add, `DELETE /subscribers/:email/tags/:tag` to remove. */
export function audiencePlan(change: AudienceChange): Built<Plan> {
  const tags = asTags(change)
  if ('error' in tags) return tags
  const planned = tagsPlan(tags.record)
  // What was sent is the one change, as a batch reports it: the tag added, or the tag removed.
  return 'error' in planned
    ? planned
    : { ...planned, record: { ...planned.record, sent: tags.record as JSONLikeObject } }
}

/** In a batch: the person in a `subscribers/batches` request, with `tags` or `remove_tags`. */
export function audienceRecord(change: AudienceChange): Built<JSONLikeObject> {
  const tags = asTags(change)
  return 'error' in tags ? tags : tagsRecord(tags.record)
}

/**
 * The trait Identify leaves out of its custom fields: the audience's own true/false trait, when that audience is kept
 * as a Drip tag (Identify's Audience Synced as Tag). The tag says it; a custom field reading "true" or "false" would
 * say it twice. Only a true/false value is the audience's: any other trait of that name is the sender's own.
 */
export function audienceTraitKey(payload: IdentifyPayload): string | undefined {
  const key = text(payload.audience_key)
  const traits = payload.traits
  if (!key || !traits || !Object.prototype.hasOwnProperty.call(traits, key)) return undefined
  return typeof traits[key] === 'boolean' ? key : undefined
}
