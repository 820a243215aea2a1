import {
  InvalidAuthenticationError,
  IntegrationError,
  MultiStatusResponse,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import type { ActionDefinition, JSONLikeObject, RequestClient } from '@segment/actions-core'
import { Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'http'
import { Agent as HttpsAgent } from 'https'
import type { Settings } from './generated-types'
import {
  DRIP_BATCH_MAX,
  DRIP_REQUEST_DEADLINE_MARGIN_MS,
  REFUSED_BATCH_ALONE,
  SINGLE_REQUESTS_IN_FLIGHT
} from './constants'
import {
  answerCut,
  dripErrorFrom,
  errorType,
  localFailure,
  parseDripError,
  requestTimedOut,
  type DripActionError
} from './errors'
import type { Built } from './records/values'

// Drip's REST API as the actions call it: credentials, URLs, and one bounded way to send a request, shared by
// perform, performBatch and the authentication test.

/** Where the destination sends, and how long a request may take: fixed when the definition is built, never a setting. */
export interface DripTarget {
  baseUrl: string
  timeoutMs: number
  /** Batches of fewer records go out as single requests (SMALL_BATCH; tooling may build with another). */
  smallBatch: number
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials
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
  return `Basic ${base64(`${apiToken(apiKey)}:`)}`
}

const base64 = (text: string) => Buffer.from(text).toString('base64')

/**
 * Every form of the API key that must never leave the destination: as pasted, the token, and the base64 forms Drip
 * or a proxy may echo (`token:` with or without the newline `echo` adds, padded or not).
 */
function credentialForms(apiKey: string): string[] {
  const pasted = (apiKey ?? '').trim()
  const token = apiToken(pasted)
  const encoded = [`${token}:`, `${token}:\n`, token].map(base64)
  const forms = [pasted, token, ...encoded, ...encoded.map((e) => e.replace(/=+$/, ''))]
  // Longest first, so a form inside another is not left half-replaced.
  return [...new Set(forms.filter((form) => form.length >= 4))].sort((a, b) => b.length - a.length)
}

/** Replaces every credential form of `apiKey` in a text with `[redacted]`. */
export function redactor(apiKey: string): (text: string) => string {
  let redact = redactors.get(apiKey)
  if (!redact) {
    const forms = credentialForms(apiKey)
    redact = (text) => {
      let result = text
      for (const form of forms) if (result.includes(form)) result = result.split(form).join('[redacted]')
      return result
    }
    // Every request needs one: made once per key (a bounded number, so memory stays flat).
    if (redactors.size >= 100) redactors.clear()
    redactors.set(apiKey, redact)
  }
  return redact
}
const redactors = new Map<string, (text: string) => string>()

/** The settings, checked before anything is sent: the account id that goes into paths, and a redactor for the key. */
export interface CheckedSettings {
  account: string
  redact: (text: string) => string
}

export function checkedSettings(settings: Settings): CheckedSettings {
  if (!String(settings.apiKey ?? '').trim()) {
    throw new InvalidAuthenticationError("The API Key setting is empty: paste the API token from Drip's User Settings.")
  }
  const account = String(settings.accountId ?? '').trim()
  if (!/^\d{1,12}$/.test(account)) {
    throw new IntegrationError(
      'The Account ID setting must be your numeric Drip account id (the number after https://www.getdrip.com/ in ' +
        "Drip's address bar), not a name, email or URL.",
      'INVALID_ACCOUNT_ID',
      400
    )
  }
  return { account, redact: redactor(settings.apiKey) }
}

// ---------------------------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------------------------

/** What Drip answered, its body parsed as JSON whatever its content type says, else kept as text; credentials redacted. */
export interface DripAnswer {
  status: number
  body: JSONLikeObject | string
  /** What Drip says is left of this hour's budget for this kind of request (X-RateLimit-Remaining). */
  remaining?: number
}

/**
 * The connections to Drip of one destination target, kept alive and shared by its requests: a new connection for
 * every request would cost every event a TLS handshake. `lifo` reuses the most recent connection first, so idle ones
 * age out instead of all being kept warm.
 */
const connectionPools = new WeakMap<DripTarget, HttpAgent>()

function connectionPool(target: DripTarget): HttpAgent {
  let pool = connectionPools.get(target)
  if (!pool) {
    const options = { keepAlive: true, scheduling: 'lifo' as const }
    pool = target.baseUrl.startsWith('https:') ? new HttpsAgent(options) : new HttpAgent(options)
    connectionPools.set(target, pool)
  }
  return pool
}

type PooledAgent = HttpAgent & { addRequest(request: ClientRequest, options: object): void }

/**
 * The agent one request is handed: the target's pool, seen through a view that learns this request's ClientRequest
 * (so a timeout cuts this request's connection alone, never the pool) and that survives actions-core, which destroys
 * whatever agent a request was given once the answer is read.
 */
function requestAgent(pool: HttpAgent, onRequest: (request: ClientRequest) => void): HttpsAgent {
  return Object.create(pool, {
    addRequest: {
      value: (request: ClientRequest, options: object) => {
        onRequest(request)
        ;(pool as PooledAgent).addRequest(request, options)
      }
    },
    destroy: { value: () => undefined }
  }) as HttpsAgent
}

/**
 * node-fetch does not notice a connection closed in the middle of an answer of known length: it would wait for the
 * rest until the timeout, with its abort listener (and so the request, its socket and buffers) kept alive. The answer
 * is watched instead, and a cut one fails the request at once, through the error node-fetch itself listens for, so
 * it lets go of everything.
 */
function failWhenCut(request: ClientRequest): void {
  request.once('response', (answer: IncomingMessage) => {
    answer.once('close', () => {
      if (!answer.complete) request.emit('error', answerCut())
    })
  })
}

/**
 * One request to Drip that settles within the target's timeout, answer body included. actions-core's own timeout
 * covers only the wait for headers, and its cloned response stalls on bodies over 64 KB; an abort signal cannot be
 * passed through its option merging. So the body is read without cloning, over the target's pooled connections;
 * when the timeout passes, this request's connection is cut (and not handed to another request), and a deadline
 * just after settles the call whatever the connection does. Every failure comes back as an actions-core error (see
 * errors.ts).
 */
export async function dripRequest(
  request: RequestClient,
  target: DripTarget,
  url: string,
  options: { method: 'GET' | 'POST' | 'DELETE'; body?: string },
  checked: CheckedSettings
): Promise<DripAnswer> {
  let sent: ClientRequest | undefined
  const agent = requestAgent(connectionPool(target), (clientRequest) => {
    sent = clientRequest
    failWhenCut(clientRequest)
  })
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  // At the timeout the connection is cut; if even that does not settle the request, the margin after it does.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      sent?.destroy()
      timer = setTimeout(() => reject(new Error('abandoned')), DRIP_REQUEST_DEADLINE_MARGIN_MS)
    }, target.timeoutMs)
  })
  // No timeout of actions-core's or node-fetch's: the deadline above is the one bound. (node-fetch's body timer, left
  // running when a body fails, would hold the failed request and its partial answer until it fired.)
  const call = request(url, { ...options, timeout: false, agent, skipResponseCloning: true })
  // Once the deadline has settled the call, a late failure of the request itself is of no interest.
  call.catch(() => undefined)
  try {
    const response = await Promise.race([call, deadline])
    const answer: DripAnswer = { status: response.status, body: parseBody(checked.redact(response.content ?? '')) }
    const remaining = Number.parseInt(response.headers?.get?.('x-ratelimit-remaining') ?? '', 10)
    if (Number.isFinite(remaining)) answer.remaining = remaining
    return answer
  } catch (error) {
    // A request that failed gives its connection back to nobody.
    sent?.destroy()
    if (timedOut) throw requestTimedOut()
    throw dripErrorFrom(error, checked.account, checked.redact, url)
  } finally {
    clearTimeout(timer)
  }
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
  target: DripTarget,
  settings: Settings
): Promise<{ account: string; accounts: string[] }> {
  const checked = checkedSettings(settings)
  const answer = await dripRequest(request, target, `${target.baseUrl}/v2/accounts`, { method: 'GET' }, checked)
  const accounts = typeof answer.body === 'object' ? answer.body.accounts : undefined
  if (!Array.isArray(accounts)) {
    const said = parseDripError(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)).message
    throw new RetryableError(`Drip answered GET /v2/accounts without a list of accounts: ${said}`, 502)
  }
  return { account: checked.account, accounts: accounts.map((a) => String((a as { id?: unknown })?.id)) }
}

// ---------------------------------------------------------------------------------------------------------------
// Records: one path for perform and performBatch
// ---------------------------------------------------------------------------------------------------------------

/** What perform answers with, and each successful batch result carries: Drip's answer and what was sent. */
export interface Delivery {
  status: number
  sent: JSONLikeObject
  body: JSONLikeObject | string
  notes?: string[]
  /** Drip's X-RateLimit-Remaining: what is left of this hour's budget, for an operator to see. */
  rate_limit_remaining?: number
}

/** Where a batch of one kind of record goes, and the body that carries it there. */
export interface BatchKind {
  /** Below the base URL, for an account. */
  batchPath(account: string): string
  /** The body that carries a batch of records. */
  many(records: JSONLikeObject[]): JSONLikeObject
}

/** Where one kind of record goes, alone and in a batch, and the bodies that carry it there. */
export interface RecordKind extends BatchKind {
  /** Below the base URL, for an account: one record. */
  path(account: string): string
  /** The body that carries one record. */
  one(record: JSONLikeObject): JSONLikeObject
}

/** Global unsubscribes in a batch: `POST /v2/:account_id/unsubscribes/batches` with `{batches: [{subscribers: [...]}]}`. */
export const UNSUBSCRIBES: BatchKind = {
  batchPath: (account) => `v2/${account}/unsubscribes/batches`,
  many: (records) => ({ batches: [{ subscribers: records }] })
}

/** A REST v2 record: `POST /v2/:account_id/<key>` with `{key: [record]}`, `.../<key>/batches` with `{batches: [{key: [...]}]}`. */
export function restRecords(key: 'subscribers' | 'events'): RecordKind {
  return {
    path: (account) => `v2/${account}/${key}`,
    batchPath: (account) => `v2/${account}/${key}/batches`,
    one: (record) => ({ [key]: [record] }),
    many: (records) => ({ batches: [{ [key]: records }] })
  }
}

/** A Shopper Activity v3 record: `POST /v3/:account_id/shopper_activity/<kind>` with the record itself, `.../batch` with `{<kind>s: [...]}`. */
export function shopperActivityRecords(kind: 'order' | 'cart' | 'product'): RecordKind {
  return {
    path: (account) => `v3/${account}/shopper_activity/${kind}`,
    batchPath: (account) => `v3/${account}/shopper_activity/${kind}/batch`,
    one: (record) => record,
    many: (records) => ({ [`${kind}s`]: records })
  }
}

/** A payload built by `build`, or the error that keeps it from being sent (a builder's failure is the payload's own). */
function built<P, T>(
  payload: P,
  build: (payload: P) => Built<T>
): { record: T; notes?: string[] } | { error: DripActionError } {
  try {
    const result = build(payload)
    if ('error' in result) return { error: new PayloadValidationError(result.error) }
    return result
  } catch (error) {
    return { error: localFailure(error) }
  }
}

/** A request body as JSON, or the destination's own failure to make it (a record nested too deep, say). */
function serialised(body: JSONLikeObject): string | { error: DripActionError } {
  try {
    return JSON.stringify(body)
  } catch (error) {
    return { error: localFailure(error) }
  }
}

/** The built payload, or its error thrown: perform has one payload, so one that cannot be sent fails the call. */
function orThrow<T extends object>(result: T | { error: DripActionError }): T {
  if ('error' in result) throw result.error
  return result
}

/** One record's body, sent alone: `POST` to the kind's single-record path. */
function postOne(
  request: RequestClient,
  target: DripTarget,
  checked: CheckedSettings,
  kind: RecordKind,
  body: string
): Promise<DripAnswer> {
  const url = `${target.baseUrl}/${kind.path(checked.account)}`
  return dripRequest(request, target, url, { method: 'POST', body }, checked)
}

/** What perform answers: Drip's answer, what was sent, the notes and the budget left. */
function delivered(answer: DripAnswer, sent: JSONLikeObject, notes?: string[]): Delivery {
  const delivery: Delivery = { status: answer.status, sent, body: answer.body }
  if (notes) delivery.notes = notes
  if (answer.remaining !== undefined) delivery.rate_limit_remaining = answer.remaining
  return delivery
}

/** A batch result's body: Drip's answer, with the notes and the budget left riding along when there are any. */
function resultBody(answer: DripAnswer, notes?: string[]): JSONLikeObject | string {
  if (typeof answer.body !== 'object' || (!notes && answer.remaining === undefined)) return answer.body
  return {
    ...answer.body,
    ...(notes ? { notes } : {}),
    ...(answer.remaining !== undefined ? { rate_limit_remaining: answer.remaining } : {})
  }
}

/** Runs `work` on every item, at most `limit` at once, and the items of one key one after another, in order. */
async function inParallel<T>(items: T[], limit: number, keyOf: (item: T) => string, work: (item: T) => Promise<void>) {
  const queues = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const queue = queues.get(key)
    if (queue) queue.push(item)
    else queues.set(key, [item])
  }
  const waiting = [...queues.values()]
  const worker = async () => {
    for (let queue = waiting.shift(); queue; queue = waiting.shift()) for (const item of queue) await work(item)
  }
  await Promise.all(Array.from({ length: Math.min(limit, waiting.length) }, worker))
}

/**
 * What every batch starts with: its results, a way to refuse one payload (with what was sent when Drip refused it),
 * and the checked settings; a bad setting refuses every payload alike, each with its own result, and leaves none.
 */
function startBatch<P>(payloads: P[], settings: Settings) {
  const results = new MultiStatusResponse()
  const refuse = (index: number, error: DripActionError, sent?: JSONLikeObject) =>
    results.setErrorResponseAtIndex(index, {
      status: error.status ?? 400,
      errortype: errorType(error),
      errormessage: error.message,
      ...(sent ? { sent } : {})
    })
  let checked: CheckedSettings | undefined
  try {
    checked = checkedSettings(settings)
  } catch (error) {
    payloads.forEach((_payload, index) => refuse(index, error as DripActionError))
  }
  return { results, refuse, checked }
}

/**
 * performBatch: every payload gets exactly one result. Payloads that cannot be built get their own 400 (not sent, so
 * reported as refused by the integration). A batch too small to be worth a batch request (see SMALL_BATCH), or one
 * that `planEvery` keeps from the batch endpoint, goes out one by one, through the single endpoint (`kind.path`) or
 * the action's plan; a larger one to Drip's batch endpoint in requests of at most 1,000. A request Drip refuses gives
 * each of its payloads Drip's status and message; nothing is thrown, so one bad request never fails payloads outside
 * it.
 */
async function sendBatch<P>(
  request: RequestClient,
  target: DripTarget,
  settings: Settings,
  payloads: P[],
  how: BatchSending<P>
): Promise<MultiStatusResponse> {
  const { results, refuse, checked } = startBatch(payloads, settings)
  if (!checked) return results
  const { records: kind, plan: alone } = how
  // Without a batch endpoint for these payloads, each goes alone, through its plan; what it sends is what it reports.
  const everyAlone = alone !== undefined && how.planEvery?.(payloads) === true
  const build = everyAlone ? (payload: P) => sentBy(alone(payload)) : how.build

  const ready: Array<{ index: number; record: JSONLikeObject; notes?: string[]; payload: P }> = []
  payloads.forEach((payload, index) => {
    const prepared = built(payload, build)
    if ('error' in prepared) refuse(index, prepared.error)
    else ready.push({ index, payload, ...prepared })
  })

  const single = 'path' in kind ? kind : undefined
  type Ready = (typeof ready)[number]
  // Drip matches emails without regard to case: `Ada@x.com` and `ada@x.com` are one person.
  const personOf = (item: Ready) => String(item.record.email ?? `#${item.index}`).toLowerCase()

  // One by one, through the single endpoint or the action's plan: at most a few at once, a person's in order.
  const sendAlone = (items: Ready[]) =>
    inParallel(items, SINGLE_REQUESTS_IN_FLIGHT, personOf, async ({ index, record, notes, payload }) => {
      try {
        let answer: DripAnswer
        if (alone) {
          const planned = built(payload, alone)
          // Not sent: refused here, so without `sent` (actions-core then reports the integration, not Drip).
          if ('error' in planned) return refuse(index, planned.error)
          answer = await runCalls(request, target, checked, planned.record)
        } else {
          const body = serialised((single as RecordKind).one(record))
          if (typeof body !== 'string') return refuse(index, body.error)
          answer = await postOne(request, target, checked, single as RecordKind, body)
        }
        results.setSuccessResponseAtIndex(index, {
          status: answer.status,
          sent: record,
          body: resultBody(answer, notes)
        })
      } catch (error) {
        refuse(index, error as DripActionError, record)
      }
    })
  const canGoAlone = single !== undefined || alone !== undefined

  if (everyAlone || (ready.length < target.smallBatch && canGoAlone)) {
    await sendAlone(ready)
    return results
  }

  const url = `${target.baseUrl}/${kind.batchPath(checked.account)}`
  // One batch request; when Drip refuses it for a record it does not name, the records are isolated (see isolate).
  const sendChunk = async (records: Ready[]): Promise<void> => {
    const { chunk, body } = chunkBody(records)
    if (body === undefined) return
    try {
      const answer = await dripRequest(request, target, url, { method: 'POST', body }, checked)
      for (const { index, record, notes } of chunk) {
        // Drip answers a batch with an empty object; notes on values left out ride along with it.
        results.setSuccessResponseAtIndex(index, {
          status: answer.status,
          sent: record,
          body: resultBody(answer, notes)
        })
      }
    } catch (error) {
      const dripError = error as DripActionError
      if (chunk.length > 1 && dripError instanceof PayloadValidationError) return isolate(chunk)
      for (const { index, record } of chunk) refuse(index, dripError, record)
    }
  }
  /**
   * A batch's body, serialised once. When that fails, the records are serialised one at a time to find those that
   * cannot be (nested too deep, say): each is refused alone, not sent, and the rest go.
   */
  const chunkBody = (chunk: Ready[]): { chunk: Ready[]; body?: string } => {
    const body = serialised(kind.many(chunk.map((item) => item.record)))
    if (typeof body === 'string') return { chunk, body }
    const sendable = chunk.filter((item) => {
      const one = serialised(item.record)
      if (typeof one !== 'string') refuse(item.index, one.error)
      return typeof one === 'string'
    })
    if (sendable.length === 0 || sendable.length === chunk.length) {
      for (const { index } of sendable) refuse(index, body.error)
      return { chunk: [] }
    }
    return chunkBody(sendable)
  }
  /**
   * Drip refuses a whole batch for one record it cannot take, without saying which. Sent again as they are, the good
   * records would fail with it on every retry, so the refused batch is split within this call: halves go back as
   * batch requests while they are large, and a part of at most REFUSED_BATCH_ALONE records goes out one by one, so
   * only the refused record fails, with Drip's reason, and the rest is delivered now.
   */
  const isolate = async (chunk: Ready[]): Promise<void> => {
    if (chunk.length <= REFUSED_BATCH_ALONE && canGoAlone) return sendAlone(chunk)
    const half = Math.ceil(chunk.length / 2)
    await sendChunk(chunk.slice(0, half))
    await sendChunk(chunk.slice(half))
  }

  for (let start = 0; start < ready.length; start += DRIP_BATCH_MAX) {
    await sendChunk(ready.slice(start, start + DRIP_BATCH_MAX))
  }
  return results
}

// ---------------------------------------------------------------------------------------------------------------
// Calls: actions whose requests are not records (tags, unsubscribes, deletion, Email Series, workflows)
// ---------------------------------------------------------------------------------------------------------------

/** One request to Drip. Built by a plan from a payload; every id or email in `path` is already URL-encoded. */
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

/** A path segment from a payload (an email, a tag, an id): encoded, so nothing in it can change the path. */
export const segment = (value: string | number) => encodeURIComponent(String(value))

/** Makes a plan's calls in order; the first failure throws, as an actions-core error. */
async function runCalls(
  request: RequestClient,
  target: DripTarget,
  checked: CheckedSettings,
  plan: Plan
): Promise<DripAnswer> {
  let last: DripAnswer = { status: 204, body: {} }
  for (const call of plan.calls) {
    const url = `${target.baseUrl}/v2/${checked.account}/${call.path}`
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    try {
      last = await dripRequest(request, target, url, { method: call.method, body }, checked)
    } catch (error) {
      if (!(call.absentIsDone && (error as DripActionError).status === 404)) throw error
      last = { status: 404, body: { note: 'Drip did not have it: nothing to remove' } }
    }
  }
  return last
}

/** A plan's result as a record: what the plan sends, for a batch sent one plan at a time. */
function sentBy(planned: Built<Plan>): Built<JSONLikeObject> {
  return 'error' in planned ? planned : { record: planned.record.sent, notes: planned.notes }
}

// ---------------------------------------------------------------------------------------------------------------
// Sending: the perform and performBatch every action declares
// ---------------------------------------------------------------------------------------------------------------

type Builder<P> = (payload: P) => Built<JSONLikeObject>
type Planner<P> = (payload: P) => Built<Plan>

/** Records in batches; alone, the payload's plan if it has one (`planEvery`: when a batch may not use the endpoint). */
interface BatchSending<P> {
  records: BatchKind | RecordKind
  build: Builder<P>
  plan?: Planner<P>
  planEvery?: (payloads: P[]) => boolean
}

/**
 * How an action's payloads reach Drip: as records of a kind, alone or in Drip's batches (`records` + `build`); as a
 * plan of calls (`plan`: perform only, for what Drip has no batch endpoint for); or a plan alone and records in
 * batches (both).
 */
export type Sending<P> =
  { records: RecordKind; build: Builder<P> } | { plan: Planner<P> } | (BatchSending<P> & { plan: Planner<P> })

/** What an action spreads into its definition: perform, and performBatch when its payloads batch. */
type Performers<P> = Pick<ActionDefinition<Settings, P>, 'perform' | 'performBatch'>

/**
 * Reverse ETL rows (sync modes). The runtime tells each row's membership of the model: true for a row the mode adds
 * or updates, false for a row that left it (modes delete and mirror), undefined for a row the mode does not act on.
 * What a row that left the model undoes, for an action that offers delete or mirror:
 */
export interface RowRemoval<P> {
  /** The payload that undoes it, sent as the action sends payloads (a tag change: the row's tags to remove). */
  asPayload?: (payload: P) => P
  /** Or the calls that undo it (a person: unsubscribed or deleted, as the admin chose). */
  asPlan?: Planner<P>
}

/** The answer for a row its sync mode does not act on: nothing sent, and the result says so. */
function untouched(syncMode: string): Delivery {
  return {
    status: 200,
    sent: {},
    body: {},
    notes: [`Nothing sent: the ${syncMode} sync mode does not act on this row.`]
  }
}

/**
 * perform and performBatch for an action, sharing one path: a payload is checked and built the same way in both.
 * perform throws the actions-core error of the first failure; performBatch gives every payload its own result.
 * With `removal`, rows of a Reverse ETL model that left it are undone (see RowRemoval).
 */
export function sending<P>(target: DripTarget, how: Sending<P>, removal?: RowRemoval<P>): Performers<P> {
  const sendOne = async (request: RequestClient, settings: Settings, payload: P, plan?: Planner<P>) => {
    const checked = checkedSettings(settings)
    // Alone, a payload goes by its plan when the action has one (perform before sync modes did the same).
    const planner = plan ?? ('plan' in how ? how.plan : undefined)
    if (planner) {
      const { record: calls, notes } = orThrow(built(payload, planner))
      return delivered(await runCalls(request, target, checked, calls), calls.sent, notes)
    }
    const records = how as BatchSending<P> & { records: RecordKind }
    const { record, notes } = orThrow(built(payload, records.build))
    const body = serialised(records.records.one(record))
    if (typeof body !== 'string') throw body.error
    return delivered(await postOne(request, target, checked, records.records, body), record, notes)
  }
  const perform: Performers<P>['perform'] = (request, { settings, payload, syncMode, audienceMembership }) => {
    if (!syncMode) return sendOne(request, settings, payload)
    if (audienceMembership === true) return sendOne(request, settings, payload)
    if (audienceMembership === false && removal?.asPlan) return sendOne(request, settings, payload, removal.asPlan)
    if (audienceMembership === false && removal?.asPayload)
      return sendOne(request, settings, removal.asPayload(payload))
    return untouched(syncMode)
  }
  if (!('records' in how)) return { perform }
  return {
    perform,
    performBatch: async (request, { settings, payload, syncMode, audienceMembership }) => {
      const memberships = audienceMembership as Array<boolean | undefined> | undefined
      if (!syncMode || !memberships) return sendBatch(request, target, settings, payload, how)
      const removedPlan = removal?.asPlan
      // Rows the batch endpoint takes go together; rows undone by calls go one by one; the rest are answered here.
      const results = new MultiStatusResponse()
      const together: Array<{ index: number; payload: P }> = []
      const alone: Array<{ index: number; payload: P }> = []
      payload.forEach((row, index) => {
        const member = memberships[index]
        if (member === true) together.push({ index, payload: row })
        else if (member === false && removedPlan) alone.push({ index, payload: row })
        else if (member === false && removal?.asPayload) together.push({ index, payload: removal.asPayload(row) })
        else {
          const { status, sent, notes } = untouched(syncMode)
          results.setSuccessResponseAtIndex(index, { status, sent, body: { notes: notes ?? [] } })
        }
      })
      if (together.length > 0) {
        const sent = await sendBatch(
          request,
          target,
          settings,
          together.map((row) => row.payload),
          how
        )
        together.forEach(({ index }, k) => results.pushResponseObjectAtIndex(index, sent.getResponseAtIndex(k)))
      }
      await inParallel(
        alone,
        SINGLE_REQUESTS_IN_FLIGHT,
        (row) => String(row.index),
        async ({ index, payload: row }) => {
          try {
            const { status, sent, body, notes } = await sendOne(request, settings, row, removedPlan)
            results.setSuccessResponseAtIndex(index, { status, sent, body: resultBody({ status, body }, notes) })
          } catch (error) {
            const dripError = error as DripActionError
            results.setErrorResponseAtIndex(index, {
              status: dripError.status ?? 400,
              errortype: errorType(dripError),
              errormessage: dripError.message
            })
          }
        }
      )
      return results
    }
  }
}
