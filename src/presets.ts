import { defaultValues } from '@segment/actions-core'
import type { InputField, Preset } from '@segment/actions-core'

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
