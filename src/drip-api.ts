import { RetryableError } from '@segment/actions-core'
import type { JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { DRIP_API_BASE_URL, DRIP_REQUEST_TIMEOUT_MS } from './constants'
import { checkedSettings } from './credentials'
import type { CheckedSettings } from './credentials'
import { classifyDripError, dripErrorFrom, parseDripError } from './errors'
import type { DripActionError } from './errors'
import { DRIP_REST_API_VERSION, DRIP_SHOPPER_ACTIVITY_API_VERSION } from './versioning-info'

// Drip's API as the actions call it: one way to send a request, shared by perform, performBatch, the pickers and the
// authentication test, and (below) where each kind of request goes.

const REST = `${DRIP_API_BASE_URL}/${DRIP_REST_API_VERSION}`
const SHOPPER_ACTIVITY = `${DRIP_API_BASE_URL}/${DRIP_SHOPPER_ACTIVITY_API_VERSION}`

/** What Drip answered, its body parsed as JSON whatever its content type says, else kept as text; credentials redacted. */
export interface DripAnswer {
  status: number
  body: JSONLikeObject | string
  /** What Drip says is left of this hour's budget for this kind of request (X-RateLimit-Remaining). */
  remaining?: number
}

/**
 * One request to Drip, within the request timeout (actions-core's, which node-fetch also applies to reading the
 * body). Drip's error answers and failures to get one come back as actions-core errors (see errors.ts), the key
 * redacted from whatever Drip said. The body is read once, without cloning: a cloned answer stalls past 64 KB.
 */
export async function dripRequest(
  request: RequestClient,
  url: string,
  options: { method: 'GET' | 'POST' | 'DELETE'; body?: string },
  checked: CheckedSettings
): Promise<DripAnswer> {
  let response
  try {
    response = await request(url, {
      ...options,
      timeout: DRIP_REQUEST_TIMEOUT_MS,
      throwHttpErrors: false,
      skipResponseCloning: true
    })
  } catch (error) {
    throw dripErrorFrom(error, checked.account, checked.redact, url)
  }
  const text = checked.redact(response.content ?? '')
  if (response.status >= 400) throw classifyDripError(response.status, text, checked.account, new URL(url).pathname)
  const answer: DripAnswer = { status: response.status, body: parseBody(text) }
  const remaining = Number.parseInt(response.headers?.get?.('x-ratelimit-remaining') ?? '', 10)
  if (Number.isFinite(remaining)) answer.remaining = remaining
  return answer
}

/** Drip's answer as JSON whatever its content type says (some come back as application/vnd.api+json), else text. */
function parseBody(text: string): JSONLikeObject | string {
  if (!text.trim()) return {}
  try {
    return JSON.parse(text) as JSONLikeObject
  } catch {
    return text
  }
}

/** The ids of the accounts the API key's user can use (`GET /v2/accounts`), for the authentication test. */
export async function accountIdsOfKey(
  request: RequestClient,
  settings: Settings
): Promise<{ account: string; accounts: string[] }> {
  const checked = checkedSettings(settings)
  const answer = await dripRequest(request, `${REST}/accounts`, { method: 'GET' }, checked)
  const accounts = typeof answer.body === 'object' ? answer.body.accounts : undefined
  if (!Array.isArray(accounts)) {
    const said = parseDripError(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)).message
    throw new RetryableError(`Drip answered GET /v2/accounts without a list of accounts: ${said}`, 502)
  }
  return { account: checked.account, accounts: accounts.map((a) => String((a as { id?: unknown })?.id)) }
}

/** One page of one of the account's lists (`GET /v2/:account_id/<list>?…`), for the pickers. */
export function listPage(request: RequestClient, checked: CheckedSettings, list: string, query: URLSearchParams) {
  return dripRequest(request, `${REST}/${checked.account}/${list}?${query}`, { method: 'GET' }, checked)
}

// ---------------------------------------------------------------------------------------------------------------
// Records: what perform and performBatch send for actions whose payloads are Drip records
// ---------------------------------------------------------------------------------------------------------------

/** Where a batch of one kind of record goes, and the body that carries it there. */
export interface BatchKind {
  batchUrl(account: string): string
  /** The body that carries a batch of records. */
  many(records: JSONLikeObject[]): JSONLikeObject
}

/** Where one kind of record goes, alone and in a batch, and the bodies that carry it there. */
export interface RecordKind extends BatchKind {
  url(account: string): string
  /** The body that carries one record. */
  one(record: JSONLikeObject): JSONLikeObject
}

/** Global unsubscribes in a batch: `POST /v2/:account_id/unsubscribes/batches` with `{batches: [{subscribers: [...]}]}`. */
export const UNSUBSCRIBES: BatchKind = {
  batchUrl: (account) => `${REST}/${account}/unsubscribes/batches`,
  many: (records) => ({ batches: [{ subscribers: records }] })
}

/** A REST record: `POST /v2/:account_id/<key>` with `{key: [record]}`, `.../<key>/batches` with `{batches: [{key: [...]}]}`. */
export function restRecords(key: 'subscribers' | 'events'): RecordKind {
  return {
    url: (account) => `${REST}/${account}/${key}`,
    batchUrl: (account) => `${REST}/${account}/${key}/batches`,
    one: (record) => ({ [key]: [record] }),
    many: (records) => ({ batches: [{ [key]: records }] })
  }
}

/** A Shopper Activity record: `POST /v3/:account_id/shopper_activity/<kind>` with the record, `.../batch` with `{<kind>s: [...]}`. */
export function shopperActivityRecords(kind: 'order' | 'cart' | 'product'): RecordKind {
  return {
    url: (account) => `${SHOPPER_ACTIVITY}/${account}/shopper_activity/${kind}`,
    batchUrl: (account) => `${SHOPPER_ACTIVITY}/${account}/shopper_activity/${kind}/batch`,
    one: (record) => record,
    many: (records) => ({ [`${kind}s`]: records })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Calls: actions whose requests are not records (tags, unsubscribes, deletion, Email Series, workflows)
// ---------------------------------------------------------------------------------------------------------------

/** One request to Drip. Built by a plan from a payload; every value in `path` is one checked, encoded segment. */
export interface DripCall {
  method: 'POST' | 'DELETE'
  /** Below /v2/:account_id/. */
  path: string
  body?: JSONLikeObject
  /** Deleting or removing what Drip does not have: a 404 means the wish is already true. */
  absentIsDone?: boolean
}

/** The calls one payload makes, in order, and what to report as sent. */
export interface Plan {
  calls: DripCall[]
  sent: JSONLikeObject
}

/** Makes a plan's calls in order; the first failure throws, as an actions-core error. */
export async function runCalls(request: RequestClient, checked: CheckedSettings, plan: Plan): Promise<DripAnswer> {
  let last: DripAnswer = { status: 204, body: {} }
  for (const call of plan.calls) {
    const url = `${REST}/${checked.account}/${call.path}`
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    try {
      last = await dripRequest(request, url, { method: call.method, body }, checked)
    } catch (error) {
      if (!(call.absentIsDone && (error as DripActionError).status === 404)) throw error
      last = { status: 404, body: { note: 'Drip did not have it: nothing to remove' } }
    }
  }
  return last
}

// ---------------------------------------------------------------------------------------------------------------
// What mapping saves and audience connections read: tags, one Email Series or workflow, its activation
// ---------------------------------------------------------------------------------------------------------------

/** Every tag the account uses (`GET /v2/:account_id/tags`, one list, not paged). */
export async function accountTags(request: RequestClient, checked: CheckedSettings): Promise<string[]> {
  const answer = await dripRequest(request, `${REST}/${checked.account}/tags`, { method: 'GET' }, checked)
  const tags = typeof answer.body === 'object' ? answer.body.tags : undefined
  return Array.isArray(tags) ? tags.map(String) : []
}

/** An Email Series or a workflow as Drip describes it. */
export interface Sequence {
  id: string
  name?: string
  status?: string
}

/** One Email Series or workflow (`GET /v2/:account_id/<list>/:id`); `segment` is its id, checked and encoded. */
export async function sequence(
  request: RequestClient,
  checked: CheckedSettings,
  list: 'campaigns' | 'workflows',
  segment: string
): Promise<Sequence> {
  const answer = await dripRequest(request, `${REST}/${checked.account}/${list}/${segment}`, { method: 'GET' }, checked)
  const entries = typeof answer.body === 'object' ? answer.body[list] : undefined
  const entry = (Array.isArray(entries) ? entries[0] : undefined) as Record<string, unknown> | undefined
  return {
    id: String(entry?.id ?? decodeURIComponent(segment)),
    name: typeof entry?.name === 'string' ? entry.name : undefined,
    status: typeof entry?.status === 'string' ? entry.status : undefined
  }
}

/** Activates an Email Series or a workflow (`POST /v2/:account_id/<list>/:id/activate`, 204). */
export function activateSequence(
  request: RequestClient,
  checked: CheckedSettings,
  list: 'campaigns' | 'workflows',
  segment: string
): Promise<DripAnswer> {
  return dripRequest(request, `${REST}/${checked.account}/${list}/${segment}/activate`, { method: 'POST' }, checked)
}
