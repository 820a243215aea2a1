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

/**
 * One table for every answer Drip can give, used by single events, batches and the authentication test alike.
 * The API key never goes into a message: only Drip's own words, the status and the account id.
 */
export function classifyDripError(status: number, text: string, account: string): DripActionError {
  const drip = parseDripError(text)
  const said = drip.message
  if (status === 401) {
    return new InvalidAuthenticationError(`Drip rejected the API key (401: ${said}). Check the API Key setting.`)
  }
  if (status === 403 && drip.code === 'authorization_error') {
    return new InvalidAuthenticationError(`The API key has no access to Drip account ${account} (403: ${said}).`)
  }
  if (status === 404) {
    return new IntegrationError(
      `Drip found nothing at account ${account} (404: ${said}). Check the Account ID setting, and that the API key ` +
        'belongs to a user of that account.',
      'DRIP_ACCOUNT_NOT_FOUND',
      404
    )
  }
  if (status === 422) {
    const where = drip.attribute ? ` ${drip.attribute}` : ''
    const code = drip.code ? ` [${drip.code}]` : ''
    return new PayloadValidationError(`Drip refused the${where || ' request'}: ${said}${code}`)
  }
  if (status === 400) {
    return new PayloadValidationError(`Drip refused the request (400): ${said}`)
  }
  if (status === 429) {
    if (/concurrent/i.test(said)) {
      return new RetryableError(
        `Drip is busy with another update of the same person; retry shortly (429: ${said})`,
        429
      )
    }
    return new RetryableError(`Drip's hourly rate limit for this account was reached (429: ${said})`, 429)
  }
  if (isRetryableStatus(status)) {
    return new RetryableError(`Drip answered ${status}: ${said}`, status)
  }
  return new IntegrationError(`Drip answered ${status}: ${said}`, 'DRIP_ERROR', status)
}

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1] & number

/** Segment retries 408, 423, 429 and 5xx but 501. */
function isRetryableStatus(status: number): status is RetryableStatus {
  return status === 408 || status === 423 || status === 429 || (status >= 500 && status !== 501 && status <= 599)
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
  if (ready.length === 0) return results

  let url: string
  try {
    url = accountUrl(apiBaseUrl, settings, kind.batchPath)
  } catch (error) {
    const err = error as IntegrationError
    for (const { index, record } of ready) {
      results.setErrorResponseAtIndex(index, {
        status: err.status ?? 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: err.message,
        sent: record
      })
    }
    return results
  }

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
      const dripError = toDripError(error, settings)
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

type ErrorType = keyof typeof ErrorCodes

/** The multistatus `errortype` for an error: its own code where actions-core knows it, else the HTTP status's. */
function errorType(error: DripActionError): ErrorType {
  const code = (error as { code?: string }).code
  if (code && code in ErrorCodes) return code as ErrorType
  return getErrorCodeFromHttpStatus(error.status ?? 500) as ErrorType
}
