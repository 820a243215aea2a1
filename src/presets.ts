import { defaultValues } from '@segment/actions-core'
import type { InputField, JSONObject, Preset } from '@segment/actions-core'
import { firstOf } from './fields'

// The subscriptions Segment sets up when an admin keeps the defaults.

type Actions = Record<string, { fields: Record<string, InputField> }>

const mappingOf = (action: { fields: Record<string, InputField> }) => defaultValues(action.fields)

export function presets(actions: Actions): Preset[] {
  // Track events with an action of their own go there only: Track event's preset leaves them out.
  const handledElsewhere = [...SHOPPER_ACTIVITY_EVENTS, ...LIFECYCLE_EVENTS]
  return [
    {
      name: 'Track event',
      subscribe: `type = "track" and ${handledElsewhere.map((event) => `event != "${event}"`).join(' and ')}`,
      partnerAction: 'trackEvent',
      mapping: mappingOf(actions.trackEvent),
      type: 'automatic'
    },
    {
      name: 'Identify',
      subscribe: 'type = "identify"',
      partnerAction: 'identify',
      mapping: mappingOf(actions.identify),
      type: 'automatic'
    },
    ...orderPresets(actions),
    ...lifecyclePresets(actions),
    consentPreset(actions),
    ...audiencePresets(actions),
    cartPreset(actions)
  ]
}

/** A preset for one track event, or for any of several. */
function forEvents(name: string, events: string[], partnerAction: string, mapping: Preset['mapping']): Preset {
  const event = events.map((one) => `event = "${one}"`).join(' or ')
  return {
    name,
    subscribe: `type = "track" and ${events.length > 1 ? `(${event})` : event}`,
    partnerAction,
    mapping,
    type: 'automatic'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shopper Activity: Segment's e-commerce events (E-commerce spec V2)
// ---------------------------------------------------------------------------------------------------------------

/** Segment's order events and the Order Activity action each one records. */
const ORDER_EVENTS: Record<string, string> = {
  'Order Completed': 'placed',
  'Order Updated': 'updated',
  'Order Refunded': 'refunded',
  'Order Cancelled': 'canceled'
}

/** Segment's events that carry a whole cart. */
const CART_EVENTS = ['Cart Viewed', 'Checkout Started']

/** No order is also counted as a v2 conversion. */
const SHOPPER_ACTIVITY_EVENTS = [...Object.keys(ORDER_EVENTS), ...CART_EVENTS]

function orderPresets(actions: Actions): Preset[] {
  return Object.entries(ORDER_EVENTS).map(([event, action]) => {
    const { grand_total, ...mapping } = mappingOf(actions.orderActivity)
    if (action !== 'refunded' && action !== 'canceled') {
      return forEvents(event, [event], 'orderActivity', { ...mapping, grand_total, action })
    }
    // A refund or cancellation lowers the person's lifetime value by its refund amount; the order's grand total
    // stays what it was (Drip's docs), so none is sent.
    return forEvents(event, [event], 'orderActivity', { ...mapping, action, refund_amount: grand_total })
  })
}

function cartPreset(actions: Actions): Preset {
  const mapping = { ...mappingOf(actions.cartActivity), action: 'updated' }
  return forEvents(CART_EVENTS.join(' or '), CART_EVENTS, 'cartActivity', mapping)
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle: Engage audiences, Segment's unsubscribe and deletion events
// ---------------------------------------------------------------------------------------------------------------

/** An event recorded after User Deleted would create the person again. */
const LIFECYCLE_EVENTS = ['Audience Entered', 'Audience Exited', 'User Unsubscribed', 'User Deleted']

/** The Engage audience an Audience Entered or Exited event is about. */
const AUDIENCE_KEY = { '@path': '$.context.personas.computation_key' }

function lifecyclePresets(actions: Actions): Preset[] {
  const tags = mappingOf(actions.updateTags)
  return [
    forEvents('Audience Entered', ['Audience Entered'], 'updateTags', { ...tags, tags: AUDIENCE_KEY }),
    forEvents('Audience Exited', ['Audience Exited'], 'updateTags', { ...tags, remove_tags: AUDIENCE_KEY }),
    forEvents('User Unsubscribed', ['User Unsubscribed'], 'unsubscribe', mappingOf(actions.unsubscribe)),
    forEvents('User Deleted', ['User Deleted'], 'deletePerson', mappingOf(actions.deletePerson))
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Engage: Journeys and Linked Audiences (specificEvent), and Consent Management
// ---------------------------------------------------------------------------------------------------------------

/**
 * What Segment sends for Journeys and Linked Audiences, which it routes by event kind rather than by a trigger
 * (presets of type specificEvent): each goes to Sync Audience, whose membership comes from the event itself.
 */
const AUDIENCE_EVENTS = {
  'Journeys Step Entered': 'journeys_step_entered_track',
  'Linked Audience Entered': 'warehouse_audience_entered_track',
  'Linked Audience Exited': 'warehouse_audience_exited_track',
  'Linked Audience Membership Changed': 'warehouse_audience_membership_changed_identify'
} as const

function audiencePresets(actions: Actions): Preset[] {
  const mapping = mappingOf(actions.syncAudience)
  return Object.entries(AUDIENCE_EVENTS).map(([name, eventSlug]) => ({
    name,
    partnerAction: 'syncAudience',
    mapping,
    type: 'specificEvent' as const,
    eventSlug
  }))
}

/** Segment's Consent Management sends this track event when a person changes their consent preferences. */
const CONSENT_EVENT = 'Segment Consent Preference Updated'

/**
 * Identify's consent fields take EU Consent from the event's consent object; a track event has no traits of its own,
 * so the person is the one Segment's libraries keep in context, and no other trait of the event is sent.
 */
function consentPreset(actions: Actions): Preset {
  const mapping = mappingOf(actions.identify)
  delete mapping.traits
  const email = firstOf(['$.context.traits.email', '$.properties.email']) as JSONObject
  return forEvents(CONSENT_EVENT, [CONSENT_EVENT], 'identify', { ...mapping, email })
}
