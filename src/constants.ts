// Where Drip lives (the API versions each path takes are in versioning-info.ts).
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

// How long one request to Drip may take to answer, and then to send its body (actions-core's default timeout).
export const DRIP_REQUEST_TIMEOUT_MS = 10_000

// A request of a batch's that fails transiently is made again within the call up to this many times, after a pause
// that grows with each try (see batches.ts). At a fault rate f, this costs f / (1 - f) more requests on average.
export const BATCH_RETRIES = 2
export const BATCH_RETRY_PAUSE_MS = 100

// Drip's hourly budgets per account: 3,600 requests to individual endpoints and, apart, 50 to batch endpoints. One
// batch request is 1/50 of its budget, a single one 1/3,600 of the other: a batch request is worth 72 single ones.
// A batch of fewer records spends more of what Drip allows through the batch endpoint than one by one, so such
// batches go out as single requests (npm run bench's traffic simulation shows what this serves).
export const DRIP_HOURLY_SINGLE_REQUESTS = 3600
export const DRIP_HOURLY_BATCH_REQUESTS = 50
export const SMALL_BATCH = Math.ceil(DRIP_HOURLY_SINGLE_REQUESTS / DRIP_HOURLY_BATCH_REQUESTS)

// A batch Drip refuses for one record (without saying which) is split to find it: halves go back as batch requests
// while they are larger than this, and a part of at most this many records goes out one by one. Weighed in Drip's
// budgets (one batch request is worth SMALL_BATCH single ones), finding one bad record among n by halves costs two
// batch requests a level, and sending n alone costs n single ones: below 4 x SMALL_BATCH (288) sending alone is the
// cheaper. One refused record in a full batch of 1,000: 4 more batch requests (2 x 500, 2 x 250) and 250 single ones.
export const REFUSED_BATCH_ALONE = 4 * SMALL_BATCH

// Single requests a batch sends at once when it goes out one by one (never two for the same person: Drip answers
// 429 "Too many concurrent requests for the same subscriber").
export const SINGLE_REQUESTS_IN_FLIGHT = 4

// ISO 4217 currency codes (the 162 Node's ICU knew when this was written): written out, not read from
// Intl.supportedValuesOf, which is ES2022 and so outside action-destinations' compiler settings (lib es2020).
export const ISO_4217_CODES: readonly string[] = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
  'CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL ' +
  'HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD ' +
  'MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR ' +
  'RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD ' +
  'TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XDR XOF XPF XSU YER ZAR ZMW ZWG ZWL'
).split(' ')
