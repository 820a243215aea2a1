import {
  ErrorCodes,
  getErrorCodeFromHttpStatus,
  HTTPError,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import type { ModifiedResponse } from '@segment/actions-core'
import { ERROR_TEXT_MAX } from './constants'

// Drip's answers, and failures to get one, as actions-core's error classes: one table for single events, batches and
// the authentication test. Segment retries what is retryable, drops the rest, and shows the message in Event Delivery.

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
        message: readableText(errors.map((e) => String(e?.message ?? e?.code ?? 'unknown error')).join('; '))
      }
    }
    if (typeof record.message === 'string') return { message: readableText(record.message) }
    if (typeof record.error === 'string') return { message: readableText(record.error) }
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

/** One row of the table that turns Drip's answers into actions-core errors. */
export interface DripErrorRule {
  /** Drip's answer, as the documentation names it. */
  answer: string
  /**
   * The actions-core error class raised, with its status or code where it has one. Segment retries a
   * RetryableError, and nothing else.
   */
  raises: string
  matches: (status: number, drip: DripErrorBody) => boolean
  /** `path`: the request's path, when known (a 404 says what was not there). */
  error: (status: number, drip: DripErrorBody, account: string, path?: string) => DripActionError
}

/**
 * Every answer Drip can give, first match wins. Messages carry Drip's own words (with any credential Drip echoed
 * redacted before they get here), the status and the account id: never the API key.
 */
export const DRIP_ERROR_RULES: DripErrorRule[] = [
  {
    answer: '401',
    raises: 'InvalidAuthenticationError',
    matches: (status) => status === 401,
    error: (_s, drip) =>
      new InvalidAuthenticationError(`Drip rejected the API key (401: ${drip.message}). Check the API Key setting.`)
  },
  {
    answer: '403 `authorization_error`',
    raises: 'InvalidAuthenticationError',
    matches: (status, drip) => status === 403 && drip.code === 'authorization_error',
    error: (_s, drip, account) =>
      new InvalidAuthenticationError(`The API key has no access to Drip account ${account} (403: ${drip.message}).`)
  },
  {
    answer: '404',
    raises: 'IntegrationError `NOT_FOUND`',
    matches: (status) => status === 404,
    error: (_s, drip, account, path) => new IntegrationError(notFound(account, path, drip.message), 'NOT_FOUND', 404)
  },
  {
    answer: '422 `{errors: [{code, attribute, message}]}`',
    raises: 'PayloadValidationError',
    matches: (status) => status === 422,
    error: (_s, drip) =>
      new PayloadValidationError(
        `Drip refused the ${drip.attribute ?? 'request'}: ${drip.message}${drip.code ? ` [${drip.code}]` : ''}`
      )
  },
  {
    answer: '400 `{status, error}`',
    raises: 'PayloadValidationError',
    matches: (status) => status === 400,
    error: (_s, drip) => new PayloadValidationError(`Drip refused the request (400): ${drip.message}`)
  },
  {
    answer: '429 "Too many concurrent requests for the same subscriber"',
    raises: 'RetryableError 429',
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
    matches: (status) => status === 429,
    error: (_s, drip) =>
      new RetryableError(`Drip's hourly rate limit for this account was reached (429: ${drip.message})`, 429)
  },
  {
    answer: '408, 423, 5xx but 501 (HTML bodies too)',
    raises: 'RetryableError (same status)',
    matches: (status) => isRetryableStatus(status),
    error: (status, drip) => new RetryableError(`Drip answered ${status}: ${drip.message}`, status as RetryableStatus)
  },
  {
    answer: 'any other status',
    raises: 'IntegrationError (same status)',
    matches: () => true,
    error: (status, drip) => new IntegrationError(`Drip answered ${status}: ${drip.message}`, 'DRIP_ERROR', status)
  }
]

/** When no whole answer comes back, or our own code fails. */
export const NO_ANSWER_RULES = [
  {
    answer: 'no whole answer within the request timeout (10 s)',
    raises: 'RetryableError 504'
  },
  { answer: "the connection cut in the middle of Drip's answer", raises: 'RetryableError 504' },
  { answer: 'connection reset or refused; DNS failure', raises: 'RetryableError 503' },
  { answer: 'a failure of the destination itself on one event', raises: 'IntegrationError 400' }
]

export function classifyDripError(status: number, text: string, account: string, path?: string): DripActionError {
  const drip = parseDripError(text)
  // The last rule matches every answer.
  const rule = DRIP_ERROR_RULES.find((r) => r.matches(status, drip)) ?? DRIP_ERROR_RULES[DRIP_ERROR_RULES.length - 1]
  return rule.error(status, drip, account, path)
}

/** What a 404 means, by what the path names: an Email Series, a workflow, a person, or else the account itself. */
function notFound(account: string, path = '', said: string): string {
  const named = /\/v2\/\d+\/(campaigns|workflows|subscribers)\/(?!batches$)([^/?]+)/.exec(path)
  const id = named ? decodeURIComponent(named[2]) : ''
  if (named?.[1] === 'campaigns') {
    return `Drip has no Email Series ${id} in account ${account} (404: ${said}). Pick one in Email Series: its list shows the account's.`
  }
  if (named?.[1] === 'workflows') {
    return `Drip has no workflow ${id} in account ${account} (404: ${said}). Pick one in Workflow: its list shows the account's active ones.`
  }
  if (named?.[1] === 'subscribers') return `Drip has no person ${id} in account ${account} (404: ${said}).`
  return (
    `Drip found nothing at account ${account} (404: ${said}). Check the Account ID setting, and that the API key ` +
    'belongs to a user of that account.'
  )
}

/** Errors of the network or the connection, as Node and node-fetch name them: worth retrying. */
const TRANSPORT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT'
])

/**
 * Whatever a request to Drip threw, as one of actions-core's error classes. `redact` removes credentials from Drip's
 * text. Only a failure of the transport is retried: anything else is this event's own failure, and retrying it would
 * fail again.
 */
export function dripErrorFrom(
  error: unknown,
  account: string,
  redact: (text: string) => string,
  url?: string
): DripActionError {
  if (error instanceof HTTPError) {
    const response = error.response as ModifiedResponse
    return classifyDripError(response.status, redact(response.content ?? ''), account, url && new URL(url).pathname)
  }
  if (
    error instanceof IntegrationError ||
    error instanceof InvalidAuthenticationError ||
    error instanceof RetryableError
  ) {
    return error
  }
  const err = (error ?? {}) as { name?: string; code?: string; type?: string; message?: string; cause?: unknown }
  const cause = (err.cause ?? {}) as { code?: string }
  const name = err.name ?? ''
  if (name === 'TimeoutError' || name === 'RequestTimeoutError' || name === 'AbortError') return requestTimedOut()
  // node-fetch gave up reading the body at the timeout (2.6), or saw the connection close in the middle of it (2.7):
  // either way Drip may have taken the request, so it is retried as a timeout is (at least once, as Segment promises).
  if (err.type === 'body-timeout' || (cause.code ?? err.code) === 'ERR_STREAM_PREMATURE_CLOSE') return answerNotWhole()
  const code = cause.code ?? err.code
  if ((code && TRANSPORT_CODES.has(code)) || err.type === 'system') {
    return new RetryableError(
      `Could not reach Drip (${code ?? 'connection failed'}): ${redact(err.message ?? '')}`,
      503
    )
  }
  return localFailure(error)
}

export function answerNotWhole(): RetryableError {
  return new RetryableError(
    "Drip's answer did not arrive whole: the connection closed in the middle of it, or the request timeout passed",
    504
  )
}

export function requestTimedOut(): RetryableError {
  return new RetryableError('Drip did not answer in time: no whole answer within the request timeout', 504)
}

/** A failure of the destination's own code on one event: reported on that event, never retried. */
export function localFailure(error: unknown): IntegrationError {
  const err = (error ?? {}) as { name?: string; message?: string }
  const what = `${err.name ?? 'Error'}: ${String(err.message ?? error).slice(0, ERROR_TEXT_MAX)}`
  return new IntegrationError(
    `The destination could not process this event (${what}); it was not sent and will not be retried.`,
    'UNKNOWN_ERROR',
    400
  )
}

type ErrorType = keyof typeof ErrorCodes

/** The multistatus `errortype` for an error: its own code where actions-core knows it, else the HTTP status's. */
export function errorType(error: DripActionError): ErrorType {
  const code = (error as { code?: string }).code
  if (code && code in ErrorCodes) return code as ErrorType
  return getErrorCodeFromHttpStatus(error.status ?? 500)
}
