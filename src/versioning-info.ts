/** Drip's REST API: every request but Shopper Activity's. */
export const DRIP_REST_API_VERSION = 'v2'

/** Drip's Shopper Activity API: orders, carts and products. */
export const DRIP_SHOPPER_ACTIVITY_API_VERSION = 'v3'
