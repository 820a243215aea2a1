/** Drip's REST API: people, events, tags, unsubscribes, Email Series, workflows and the lists pickers read. */
export const DRIP_REST_API_VERSION = 'v2'

/** Drip's Shopper Activity API: orders, carts and products. */
export const DRIP_SHOPPER_ACTIVITY_API_VERSION = 'v3'
