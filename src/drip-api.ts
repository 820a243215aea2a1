import {
  ErrorCodes,
  getErrorCodeFromHttpStatus,
  HTTPError,
  IntegrationError,
  InvalidAuthenticationError,
  MultiStatusResponse,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import type { JSONLikeObject, ModifiedResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { DRIP_BATCH_MAX, ERROR_TEXT_MAX } from './constants'

// ---------------------------------------------------------------------------------------------------------------
// Credentials and URLs
// ---------------------------------------------------------------------------------------------------------------

/**
 * The raw Drip API token inside the API Key setting. Admins paste the token itself; older setup guides told them to
 * paste `echo <token>: | base64` instead, so a value that decodes to `<token>:` (plus the newline echo adds) is
 * unwrapped and keeps working.
 */
export function apiToken(apiKey: string): string {
  const key = (apiKey ?? '').trim()
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key) && key.length % 4 === 0) {
    const decoded = Buffer.from(key, 'base64').toString('latin1')
    const match = /^([\x21-\x39\x3b-\x7e]+):\s*$/.exec(decoded)
    if (match) return match[1]
  }
  return key
}

/** `Basic base64(token + ":")`: Drip takes the token as the user name and an empty password. */
export function authorizationHeader(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiToken(apiKey)}:`).toString('base64')}`
}

/** The Account ID setting, checked before it goes into any URL path. */
export function accountId(settings: Settings): string {
  const id = String(settings.accountId ?? '').trim()
  if (!/^\d{1,12}$/.test(id)) {
    throw new IntegrationError(
      'The Account ID setting must be your numeric Drip account id (the number after https://www.getdrip.com/ in ' +
        "Drip's address bar), not a name, email or URL.",
      'INVALID_ACCOUNT_ID',
      400
    )
  }
  return id
}

/** `<base>/v2/<account_id>/<path>` for the account in the settings. */
export function accountUrl(apiBaseUrl: string, settings: Settings, path: string): string {
  return `${apiBaseUrl}/v2/${accountId(settings)}/${path}`
}

/** The ids of the accounts the API key's user can use (`GET /v2/accounts`), for the authentication test. */
export async function accountIdsOfKey(
  request: RequestClient,
  apiBaseUrl: string,
  settings: Settings
): Promise<string[]> {
  let response: ModifiedResponse
  try {
    response = await request(`${apiBaseUrl}/v2/accounts`)
  } catch (error) {
    throw toDripError(error, settings)
  }
  const body = responseBody(response)
  const accounts = typeof body === 'object' ? (body as { accounts?: unknown }).accounts : undefined
  if (!Array.isArray(accounts)) {
    const said = parseDripError(response.content ?? '').message
    throw new RetryableError(`Drip answered GET /v2/accounts without a list of accounts: ${said}`, 502)
  }
  return accounts.map((a) => String((a as { id?: unknown })?.id))
}

// ---------------------------------------------------------------------------------------------------------------
// Drip's errors
// ---------------------------------------------------------------------------------------------------------------

/** What Drip said, from any of its body shapes: `{errors:[{code, attribute, message}]}`, `{message}`, `{status, error}`, or text. */
export interface DripErrorBody {
  code?: string
  attribute?: string
  message: string
}

export function parseDripError(text: string): DripErrorBody {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { message: readableText(text) }
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      const errors = record.errors as Array<Record<string, unknown>>
      const first = errors[0] ?? {}
      return {
        code: optionalString(first.code),
        attribute: optionalString(first.attribute),
        message: errors.map((e) => String(e?.message ?? e?.code ?? 'unknown error')).join('; ')
      }
    }
    if (typeof record.message === 'string') return { message: record.message }
    if (typeof record.error === 'string') return { message: record.error }
  }
  return { message: readableText(text) }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Text fit for a message: tags stripped (5xx pages are HTML), whitespace folded, cut short. */
function readableText(text: string): string {
  const plain = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (!plain) return 'no message'
  return plain.length > ERROR_TEXT_MAX ? `${plain.slice(0, ERROR_TEXT_MAX)}…` : plain
}

export type DripActionError = IntegrationError | InvalidAuthenticationError | RetryableError

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1] & number

/** Segment retries 408, 423, 429 and 5xx but 501. */
function isRetryableStatus(status: number): status is RetryableStatus {
  return status === 408 || status === 423 || status === 429 || (status >= 500 && status !== 501 && status <= 599)
}

/** One row of the table that turns Drip's answers into actions-core errors (the README shows the same table). */
export interface DripErrorRule {
  /** Drip's answer, as the README names it. */
  answer: string
  /** The actions-core error class raised. */
  raises: string
  /** Whether Segment retries the event. */
  retried: boolean
  matches: (status: number, drip: DripErrorBody) => boolean
  error: (status: number, drip: DripErrorBody, account: string) => DripActionError
}

/**
 * Every answer Drip can give, first match wins; used by single events, batches and the authentication test alike.
 * Messages carry Drip's own words, the status and the account id: never the API key.
 */
export const DRIP_ERROR_RULES: DripErrorRule[] = [
  {
    answer: '401',
    raises: 'InvalidAuthenticationError',
    retried: false,
    matches: (status) => status === 401,
    error: (_s, drip) =>
      new InvalidAuthenticationError(`Drip rejected the API key (401: ${drip.message}). Check the API Key setting.`)
  },
  {
    answer: '403 `authorization_error`',
    raises: 'InvalidAuthenticationError',
    retried: false,
    matches: (status, drip) => status === 403 && drip.code === 'authorization_error',
    error: (_s, drip, account) =>
      new InvalidAuthenticationError(`The API key has no access to Drip account ${account} (403: ${drip.message}).`)
  },
  {
    answer: '404',
    raises: 'IntegrationError `NOT_FOUND`',
    retried: false,
    matches: (status) => status === 404,
    error: (_s, drip, account) =>
      new IntegrationError(
        `Drip found nothing at account ${account} (404: ${drip.message}). Check the Account ID setting, and that the ` +
          'API key belongs to a user of that account.',
        'NOT_FOUND',
        404
      )
  },
  {
    answer: '422 `{errors: [{code, attribute, message}]}`',
    raises: 'PayloadValidationError',
    retried: false,
    matches: (status) => status === 422,
    error: (_s, drip) =>
      new PayloadValidationError(
        `Drip refused the ${drip.attribute ?? 'request'}: ${drip.message}${drip.code ? ` [${drip.code}]` : ''}`
      )
  },
  {
    answer: '400 `{status, error}`',
    raises: 'PayloadValidationError',
    retried: false,
    matches: (status) => status === 400,
    error: (_s, drip) => new PayloadValidationError(`Drip refused the request (400): ${drip.message}`)
  },
  {
    answer: '429 "Too many concurrent requests for the same subscriber"',
    raises: 'RetryableError 429',
    retried: true,
    matches: (status, drip) => status === 429 && /concurrent/i.test(drip.message),
    error: (_s, drip) =>
      new RetryableError(
        `Drip is busy with another update of the same person; retry shortly (429: ${drip.message})`,
        429
      )
  },
  {
    answer: '429 (hourly rate limit)',
    raises: 'RetryableError 429',
    retried: true,
    matches: (status) => status === 429,
    error: (_s, drip) =>
      new RetryableError(`Drip's hourly rate limit for this account was reached (429: ${drip.message})`, 429)
  },
  {
    answer: '408, 423, 5xx but 501 (HTML bodies too)',
    raises: 'RetryableError (same status)',
    retried: true,
    matches: (status) => isRetryableStatus(status),
    error: (status, drip) => new RetryableError(`Drip answered ${status}: ${drip.message}`, status as RetryableStatus)
  },
  {
    answer: 'any other status',
    raises: 'IntegrationError (same status)',
    retried: false,
    matches: () => true,
    error: (status, drip) => new IntegrationError(`Drip answered ${status}: ${drip.message}`, 'DRIP_ERROR', status)
  }
]

/** What happens when no answer comes back at all (the README's table lists these below Drip's answers). */
export const TRANSPORT_ERROR_RULES = [
  { answer: 'timeout (no answer in 10 s)', raises: 'RetryableError 504', retried: true },
  { answer: 'connection reset or refused', raises: 'RetryableError 503', retried: true }
]

export function classifyDripError(status: number, text: string, account: string): DripActionError {
  const drip = parseDripError(text)
  const rule = DRIP_ERROR_RULES.find((r) => r.matches(status, drip))!
  return rule.error(status, drip, account)
}

/** Turns whatever a request threw into one of actions-core's error classes. */
export function toDripError(error: unknown, settings: Settings): DripActionError {
  const account = String(settings.accountId ?? '').trim()
  if (error instanceof HTTPError) {
    const response = error.response as ModifiedResponse
    return classifyDripError(response.status, response.content ?? '', account)
  }
  if (
    error instanceof IntegrationError ||
    error instanceof InvalidAuthenticationError ||
    error instanceof RetryableError
  ) {
    return error
  }
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string } }
  if (err?.name === 'TimeoutError' || err?.name === 'RequestTimeoutError') {
    return new RetryableError('Drip did not answer in time (request timed out)', 504)
  }
  const code = err?.cause?.code ?? err?.code
  return new RetryableError(`Could not reach Drip${code ? ` (${code})` : ''}: ${err?.message ?? 'unknown error'}`, 503)
}

// ---------------------------------------------------------------------------------------------------------------
// Sending records: one path for perform and performBatch
// ---------------------------------------------------------------------------------------------------------------

/**
 * A Segment payload turned into the record Drip takes, with notes on values left out because Drip cannot take them;
 * or the reason it cannot be sent at all.
 */
export type Built<T> = { record: T; notes?: string[] } | { error: string }

/** What perform answers with, and each successful batch result carries: Drip's answer and what was sent. */
export interface Delivery {
  status: number
  sent: JSONLikeObject
  body: JSONLikeObject | string
  notes?: string[]
}

/** Where one kind of record goes: `subscribers` or `events`, single and batch. */
export interface RecordKind {
  /** The key Drip's bodies use: `subscribers`, `events`. */
  key: string
  /** The path below /v2/:account_id/ for one record. */
  path: string
  /** The path below /v2/:account_id/ for a batch. */
  batchPath: string
}

/** perform: build the one record, send `{key: [record]}`, throw an actions-core error when either fails. */
export async function sendOne<P, T extends JSONLikeObject>(
  request: RequestClient,
  apiBaseUrl: string,
  settings: Settings,
  kind: RecordKind,
  payload: P,
  build: (payload: P) => Built<T>
): Promise<Delivery> {
  const built = build(payload)
  if ('error' in built) throw new PayloadValidationError(built.error)
  const url = accountUrl(apiBaseUrl, settings, kind.path)
  let response: ModifiedResponse
  try {
    response = await request(url, { method: 'POST', json: { [kind.key]: [built.record] } })
  } catch (error) {
    throw toDripError(error, settings)
  }
  const delivery: Delivery = { status: response.status, sent: built.record, body: responseBody(response) }
  if (built.notes) delivery.notes = built.notes
  return delivery
}

/** Drip's answer as JSON whatever its content type says (some come back as application/vnd.api+json), else text. */
function responseBody(response: ModifiedResponse): JSONLikeObject | string {
  const text = response.content ?? ''
  if (!text.trim()) return {}
  try {
    return JSON.parse(text) as JSONLikeObject
  } catch {
    return text
  }
}

/**
 * performBatch: every payload gets exactly one result. Payloads that cannot be built get their own 400; the rest go
 * to Drip's batch endpoint in requests of at most 1,000. A request Drip refuses gives each of its payloads Drip's
 * status and message; nothing is thrown, so one bad request never fails payloads outside it.
 */
export async function sendBatch<P, T extends JSONLikeObject>(
  request: RequestClient,
  apiBaseUrl: string,
  settings: Settings,
  kind: RecordKind,
  payloads: P[],
  build: (payload: P) => Built<T>
): Promise<MultiStatusResponse> {
  const results = new MultiStatusResponse()
  let url: string
  try {
    url = accountUrl(apiBaseUrl, settings, kind.batchPath)
  } catch (error) {
    // A bad Account ID setting fails every payload alike, each with its own result.
    const settingsError = error as IntegrationError
    payloads.forEach((_payload, index) =>
      results.setErrorResponseAtIndex(index, {
        status: settingsError.status ?? 400,
        errortype: errorType(settingsError),
        errormessage: settingsError.message
      })
    )
    return results
  }

  const ready: Array<{ index: number; record: T; notes?: string[] }> = []
  payloads.forEach((payload, index) => {
    const built = build(payload)
    if ('error' in built) {
      results.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: built.error,
        sent: payload as unknown as JSONLikeObject
      })
    } else {
      ready.push({ index, record: built.record, notes: built.notes })
    }
  })

  for (let start = 0; start < ready.length; start += DRIP_BATCH_MAX) {
    const chunk = ready.slice(start, start + DRIP_BATCH_MAX)
    const json = { batches: [{ [kind.key]: chunk.map((item) => item.record) }] }
    try {
      const response = (await request(url, { method: 'POST', json })) as ModifiedResponse
      const body = responseBody(response)
      for (const { index, record, notes } of chunk) {
        // Drip answers a batch with an empty object; notes on values left out ride along with it.
        const withNotes = notes && typeof body === 'object' ? { ...body, notes } : body
        results.setSuccessResponseAtIndex(index, { status: response.status, sent: record, body: withNotes })
      }
    } catch (error) {
      const dripError = refusedForAnother(toDripError(error, settings), chunk.length)
      for (const { index, record } of chunk) {
        results.setErrorResponseAtIndex(index, {
          status: dripError.status ?? 500,
          errortype: errorType(dripError),
          errormessage: dripError.message,
          sent: record
        })
      }
    }
  }
  return results
}

/**
 * Drip refuses a whole batch for one bad record and does not say which. Every record passed the checks Drip makes, so
 * none is known to be bad: they are retried (Segment re-batches retries) rather than dropped for another's sake.
 */
function refusedForAnother(error: DripActionError, records: number): DripActionError {
  if (records <= 1 || !(error instanceof PayloadValidationError)) return error
  return new RetryableError(
    `Drip refused the batch this record was in, without saying which record (${error.message}); retrying it`,
    500
  )
}

type ErrorType = keyof typeof ErrorCodes

/** The multistatus `errortype` for an error: its own code where actions-core knows it, else the HTTP status's. */
function errorType(error: DripActionError): ErrorType {
  const code = (error as { code?: string }).code
  if (code && code in ErrorCodes) return code as ErrorType
  return getErrorCodeFromHttpStatus(error.status ?? 500) as ErrorType
}
