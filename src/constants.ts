// Where Drip lives. The destination is built against this URL; tooling may build it against another one
// (see createDefinition in index.ts), never through a setting a Segment admin can see.
export const DRIP_API_BASE_URL = 'https://api.getdrip.com'

// Drip takes 1 to 1000 records in one batch request.
export const DRIP_BATCH_MAX = 1000

// Drip asks every integration to identify itself.
export const USER_AGENT = 'Segment Drip (Actions) destination (actions-drip)'

// How much of an error body from Drip we quote in a message.
export const ERROR_TEXT_MAX = 300

// The largest integer Drip stores (lifetime value in cents, lead scores): a 32-bit signed integer.
export const DRIP_MAX_INTEGER = 2147483647

// Drip's conversion values (event `properties.value`, in cents) must stay below it, not reach it.
export const DRIP_MAX_CONVERSION_VALUE = DRIP_MAX_INTEGER

// The longest email address there can be (RFC 5321); Drip refuses longer ones.
export const EMAIL_MAX_LENGTH = 254

// How long one request to Drip may take, answer body included (actions-core's default timeout), and the margin after
// which a request still pending is abandoned whatever the connection does.
export const DRIP_REQUEST_TIMEOUT_MS = 10_000
export const DRIP_REQUEST_DEADLINE_MARGIN_MS = 1_000

// Drip's hourly budgets per account: 3,600 requests to individual endpoints and, apart, 50 to batch endpoints. One
// batch request is 1/50 of its budget, a single one 1/3,600 of the other: a batch request is worth 72 single ones.
// A batch of fewer records spends more of what Drip allows through the batch endpoint than one by one, so such
// batches go out as single requests (npm run bench's traffic simulation shows what this serves).
export const DRIP_HOURLY_SINGLE_REQUESTS = 3600
export const DRIP_HOURLY_BATCH_REQUESTS = 50
export const SMALL_BATCH = Math.ceil(DRIP_HOURLY_SINGLE_REQUESTS / DRIP_HOURLY_BATCH_REQUESTS)

// Single requests a batch sends at once when it goes out one by one (never two for the same person: Drip answers
// 429 "Too many concurrent requests for the same subscriber").
export const SINGLE_REQUESTS_IN_FLIGHT = 4
