// Where Drip lives. The destination is built against this URL; tooling may build it against another one
// (see createDefinition in index.ts), never through a setting a Segment admin can see.
export const DRIP_API_BASE_URL = 'https://api.getdrip.com'

// Drip takes 1 to 1000 records in one batch request.
export const DRIP_BATCH_MAX = 1000

// Drip asks every integration to identify itself.
export const USER_AGENT = 'Segment Drip (Actions) destination (actions-drip)'

// How much of an error body from Drip we quote in a message.
export const ERROR_TEXT_MAX = 300

// Drip's conversion values (event `properties.value`, in cents) must stay below this.
export const DRIP_MAX_CONVERSION_VALUE = 2147483647

// The largest integer Drip stores (lifetime value in cents, lead scores): a 32-bit signed integer.
export const DRIP_MAX_INTEGER = 2147483647

// The longest email address there can be (RFC 5321); Drip refuses longer ones.
export const EMAIL_MAX_LENGTH = 254

// How long one request to Drip may take, answer body included (actions-core's default timeout), and the margin after
// which a request still pending is abandoned whatever the connection does.
export const DRIP_REQUEST_TIMEOUT_MS = 10_000
export const DRIP_REQUEST_DEADLINE_MARGIN_MS = 1_000
