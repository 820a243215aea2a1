import { defaultValues } from '@segment/actions-core'
import type { InputField, JSONObject, Preset } from '@segment/actions-core'
import { firstOf } from './fields'

// The subscriptions Segment sets up when an admin keeps the defaults. Segment's e-commerce events (E-commerce spec V2)
// go to the Shopper Activity actions, and only there: Track Event's preset leaves them out, so no order is also
// counted as a v2 conversion.

/** Segment's order events and the Order Activity action each one records. */
const ORDER_EVENTS: Record<string, string> = {
  'Order Completed': 'placed',
  'Order Updated': 'updated',
  'Order Refunded': 'refunded',
  'Order Cancelled': 'canceled'
}

/** Segment's events that carry a whole cart. */
const CART_EVENTS = ['Cart Viewed', 'Checkout Started']

/** Engage's audience events, Segment's unsubscribe and deletion events, and the actions that handle them. */
const LIFECYCLE_EVENTS = ['Audience Entered', 'Audience Exited', 'User Unsubscribed', 'User Deleted']

/** The Engage audience an Audience Entered or Exited event is about. */
const AUDIENCE_KEY = { '@path': '$.context.personas.computation_key' }

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

/** Segment's Consent Management sends this track event when a person changes their consent preferences. */
const CONSENT_EVENT = 'Segment Consent Preference Updated'

type Actions = Record<string, { fields: Record<string, InputField> }>

const mappingOf = (action: { fields: Record<string, InputField> }) => defaultValues(action.fields)

export function presets(actions: Actions): Preset[] {
  // Events with an action of their own; an event recorded after User Deleted would create the person again.
  const handledElsewhere = [...Object.keys(ORDER_EVENTS), ...CART_EVENTS, ...LIFECYCLE_EVENTS]
  const orderMapping = (event: string) => {
    const { grand_total, ...mapping } = mappingOf(actions.orderActivity)
    const action = ORDER_EVENTS[event]
    if (action !== 'refunded' && action !== 'canceled') return { ...mapping, grand_total, action }
    // A refund or cancellation lowers the person's lifetime value by its refund amount; the order's grand total
    // stays what it was (Drip's docs), so none is sent.
    return { ...mapping, action, refund_amount: grand_total }
  }
  const orderPreset = (event: string): Preset => ({
    name: event,
    subscribe: `type = "track" and event = "${event}"`,
    partnerAction: 'orderActivity',
    mapping: orderMapping(event),
    type: 'automatic'
  })
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
    ...Object.keys(ORDER_EVENTS).map(orderPreset),
    {
      name: 'Audience Entered',
      subscribe: 'type = "track" and event = "Audience Entered"',
      partnerAction: 'updateTags',
      mapping: { ...mappingOf(actions.updateTags), tags: AUDIENCE_KEY },
      type: 'automatic'
    },
    {
      name: 'Audience Exited',
      subscribe: 'type = "track" and event = "Audience Exited"',
      partnerAction: 'updateTags',
      mapping: { ...mappingOf(actions.updateTags), remove_tags: AUDIENCE_KEY },
      type: 'automatic'
    },
    {
      name: 'User Unsubscribed',
      subscribe: 'type = "track" and event = "User Unsubscribed"',
      partnerAction: 'unsubscribe',
      mapping: mappingOf(actions.unsubscribe),
      type: 'automatic'
    },
    {
      name: 'User Deleted',
      subscribe: 'type = "track" and event = "User Deleted"',
      partnerAction: 'deletePerson',
      mapping: mappingOf(actions.deletePerson),
      type: 'automatic'
    },
    {
      // Identify's consent fields take EU Consent from the event's consent object; a track event has no traits of
      // its own, so the person is the one Segment's libraries keep in context, and no other trait is sent.
      name: CONSENT_EVENT,
      subscribe: `type = "track" and event = "${CONSENT_EVENT}"`,
      partnerAction: 'identify',
      mapping: consentMapping(actions),
      type: 'automatic'
    },
    ...Object.entries(AUDIENCE_EVENTS).map(([name, eventSlug]): Preset => ({
      name,
      partnerAction: 'syncAudience',
      mapping: mappingOf(actions.syncAudience),
      type: 'specificEvent',
      eventSlug
    })),
    {
      name: CART_EVENTS.join(' or '),
      subscribe: `type = "track" and (${CART_EVENTS.map((event) => `event = "${event}"`).join(' or ')})`,
      partnerAction: 'cartActivity',
      mapping: { ...mappingOf(actions.cartActivity), action: 'updated' },
      type: 'automatic'
    }
  ]
}

/** Identify's defaults for a consent change: the person from context, their consent, nothing else of the event. */
function consentMapping(actions: Actions) {
  const mapping = mappingOf(actions.identify)
  delete mapping.traits
  return { ...mapping, email: firstOf(['$.context.traits.email', '$.properties.email']) as JSONObject }
}
