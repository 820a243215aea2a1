import type { JSONLikeObject } from '@segment/actions-core'
import type { JoiningSubscriber } from './shapes'
import type { Payload as TagsPayload } from '../updateTags/generated-types'
import type { Payload as UnsubscribePayload } from '../unsubscribe/generated-types'
import type { Payload as DeletePayload } from '../deletePerson/generated-types'
import type { Payload as CampaignPayload } from '../subscribeToCampaign/generated-types'
import type { Payload as StartWorkflowPayload } from '../startWorkflow/generated-types'
import type { Payload as RemoveFromWorkflowPayload } from '../removeFromWorkflow/generated-types'
import type { Payload as IdentifyPayload } from '../identify/generated-types'
import type { Plan } from '../drip-api'
import { customFields } from './subscriber'
import {
  dripInteger,
  needed,
  pathSegment,
  personEmail,
  tagChanges,
  tagList,
  text,
  withNotes,
  withoutUndefined
} from './values'
import type { Built } from './values'

// What Drip customers do besides profiles and events, as the calls Drip's REST API takes: tags, unsubscribes,
// deletion, Email Series and workflows. Every email, tag and id that goes into a path is one checked, encoded segment.

/** Tags to add (one POST /tags for all of them) and to remove (one DELETE per tag; Drip has no other way). */
export function tagsPlan(payload: TagsPayload): Built<Plan> {
  const who = personEmail(payload.email)
  if ('error' in who) return who
  const notes: string[] = []
  const { add = [], remove = [] } = tagChanges(payload.tags, payload.remove_tags, notes)
  if (add.length === 0 && remove.length === 0) {
    const why = notes.length > 0 ? notes[0] : 'Tags to Add and Tags to Remove are both empty.'
    return { error: `${why} There is nothing to change.` }
  }
  const calls: Plan['calls'] = []
  if (add.length > 0) {
    calls.push({ method: 'POST', path: 'tags', body: { tags: add.map((tag) => ({ email: who.email, tag })) } })
  }
  if (remove.length > 0) {
    const person = pathSegment(who.email, 'Email Address')
    if ('error' in person) return person
    for (const tag of remove) {
      const removed = pathSegment(tag, 'Tags to Remove')
      if ('error' in removed) return removed
      calls.push({
        method: 'DELETE',
        path: `subscribers/${person.segment}/tags/${removed.segment}`,
        absentIsDone: true
      })
    }
  }
  return withNotes({ calls, sent: withoutUndefined({ email: who.email, tags: add, remove_tags: remove }) }, notes)
}

/** The same change as one person in a `subscribers/batches` request, which takes `tags` and `remove_tags`. */
export function tagsRecord(payload: TagsPayload): Built<JSONLikeObject> {
  const planned = tagsPlan(payload)
  if ('error' in planned) return planned
  const { email, tags, remove_tags } = planned.record.sent as { email: string; tags: string[]; remove_tags: string[] }
  const record = withoutUndefined({
    email,
    tags: tags.length ? tags : undefined,
    remove_tags: remove_tags.length ? remove_tags : undefined
  }) as JSONLikeObject
  return withNotes(record, planned.notes ?? [])
}

/**
 * From every mailing (`unsubscribe_all`), or from one Email Series only (`remove?campaign_id=`), as the admin chose in
 * Unsubscribe From. An Email Series chosen but empty in the event is refused: never widened to every mailing.
 */
export function unsubscribePlan(payload: UnsubscribePayload): Built<Plan> {
  const who = personEmail(payload.email)
  if ('error' in who) return who
  const person = pathSegment(who.email, 'Email Address')
  if ('error' in person) return person
  if (payload.unsubscribe_from !== 'email_series') {
    return {
      record: {
        calls: [{ method: 'POST', path: `subscribers/${person.segment}/unsubscribe_all` }],
        sent: { email: who.email }
      }
    }
  }
  const series = needed(
    payload.campaign_id,
    'Email Series',
    'Unsubscribe From is One Email Series, so the person would be removed from no Email Series (and never from every ' +
      'mailing instead): pick the Email Series, or map it to where your events carry it.'
  )
  if ('error' in series) return series
  const campaign = pathSegment(series.value, 'Email Series')
  if ('error' in campaign) return campaign
  return {
    record: {
      calls: [{ method: 'POST', path: `subscribers/${person.segment}/remove?campaign_id=${campaign.segment}` }],
      sent: { email: who.email, campaign_id: series.value }
    }
  }
}

/** A global unsubscribe as a record of `unsubscribes/batches`. */
export function unsubscribeRecord(payload: UnsubscribePayload): Built<JSONLikeObject> {
  const who = personEmail(payload.email)
  return 'error' in who ? who : { record: { email: who.email } }
}

/** Deleting a person Drip does not have is done already. */
export function deletePlan(payload: DeletePayload, label = 'Email Address'): Built<Plan> {
  const who = personEmail(payload.email, label)
  if ('error' in who) return who
  const person = pathSegment(who.email, label)
  if ('error' in person) return person
  return {
    record: {
      calls: [{ method: 'DELETE', path: `subscribers/${person.segment}`, absentIsDone: true }],
      sent: { email: who.email }
    }
  }
}

/** What Segment's deletion requests carry (actions-core does not export its type). */
interface DeletionPayload {
  userId?: string | null
  anonymousId?: string | null
}

/**
 * Segment's deletion request (`onDelete`): Drip finds people by email, so the userId must be one; anything else is
 * answered clearly and nothing is deleted.
 */
export function deletionPlan(payload: DeletionPayload): Built<Plan> {
  const userId = text(payload.userId ?? undefined)
  if (!userId || 'error' in personEmail(userId, 'userId')) {
    const given = userId ? JSON.stringify(userId) : 'none'
    return {
      error:
        `Drip finds people by email, and this deletion request's userId (${given}) is not ` +
        'one, so nothing was deleted. Delete the person in Drip (People → the person → Delete), or use the Delete Person ' +
        'action with a mapping that has their email.'
    }
  }
  return deletePlan({ email: userId }, 'userId')
}

/**
 * Joining an Email Series or a workflow: `POST /<list>/<id>/subscribers` with the person (created or updated), as
 * both take them, and what only this list takes (`own`, which may leave notes).
 */
function joinPlan(
  list: 'campaigns' | 'workflows',
  id: string,
  payload: JoiningSubscriber,
  own: (notes: string[]) => Record<string, unknown>
): Built<Plan> {
  const who = personEmail(payload.email)
  if ('error' in who) return who
  const notes: string[] = []
  const subscriber = withoutUndefined({
    email: who.email,
    user_id: text(payload.user_id),
    time_zone: text(payload.time_zone),
    ...own(notes),
    custom_fields: customFields([{ fields: payload.custom_fields, label: 'Custom Fields' }], notes),
    tags: tagList(payload.tags),
    prospect: payload.prospect
  }) as JSONLikeObject
  const listed = pathSegment(id, list === 'campaigns' ? 'Email Series' : 'Workflow')
  if ('error' in listed) return listed
  const path = `${list}/${listed.segment}/subscribers`
  return withNotes({ calls: [{ method: 'POST', path, body: { subscribers: [subscriber] } }], sent: subscriber }, notes)
}

const PICK_SERIES = 'Pick the Email Series to subscribe people to; its list shows the active ones.'
const PICK_WORKFLOW = "Pick the workflow; its list shows the account's active ones."

export function campaignPlan(payload: CampaignPayload): Built<Plan> {
  const series = needed(payload.campaign_id, 'Email Series', PICK_SERIES)
  if ('error' in series) return series
  return joinPlan('campaigns', series.value, payload, (notes) => ({
    double_optin: payload.double_optin,
    starting_email_index: dripInteger(payload.starting_email_index, 'Starting Email Index', notes),
    reactivate_if_removed: payload.reactivate_if_removed
  }))
}

export function startWorkflowPlan(payload: StartWorkflowPayload): Built<Plan> {
  const workflow = needed(payload.workflow_id, 'Workflow', PICK_WORKFLOW)
  if ('error' in workflow) return workflow
  return joinPlan('workflows', workflow.value, payload, () => ({
    first_name: text(payload.first_name),
    last_name: text(payload.last_name)
  }))
}

export function removeFromWorkflowPlan(payload: RemoveFromWorkflowPayload): Built<Plan> {
  const workflow = needed(payload.workflow_id, 'Workflow', PICK_WORKFLOW)
  if ('error' in workflow) return workflow
  const who = personEmail(payload.email)
  if ('error' in who) return who
  const listed = pathSegment(workflow.value, 'Workflow')
  if ('error' in listed) return listed
  const person = pathSegment(who.email, 'Email Address')
  if ('error' in person) return person
  const path = `workflows/${listed.segment}/subscribers/${person.segment}`
  return {
    record: {
      calls: [{ method: 'DELETE', path, absentIsDone: true }],
      sent: { email: who.email, workflow_id: payload.workflow_id }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Warehouse rows (Reverse ETL): what a row that left the model undoes
// ---------------------------------------------------------------------------------------------------------------

/** A person's row left the model (sync mode delete): the person is unsubscribed from all mailings, or deleted. */
export function removedPersonPlan(payload: IdentifyPayload): Built<Plan> {
  const planned =
    payload.deleted_row === 'delete'
      ? deletePlan(payload)
      : unsubscribePlan({ email: payload.email, unsubscribe_from: 'all_mailings' })
  if ('error' in planned) return planned
  // A person Drip does not have is as removed as can be.
  const calls = planned.record.calls.map((call) => ({ ...call, absentIsDone: true }))
  return { ...planned, record: { ...planned.record, calls } }
}

/** A row left the model (sync modes delete and mirror): the tags its presence added are taken off. */
export function removedTagsPayload(payload: TagsPayload): TagsPayload {
  return { ...payload, tags: undefined, remove_tags: payload.tags }
}
