import { MultiStatusResponse, PayloadValidationError, RetryableError } from '@segment/actions-core'
import type { JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  BATCH_RETRIES,
  BATCH_RETRY_PAUSE_MS,
  DRIP_BATCH_MAX,
  REFUSED_BATCH_ALONE,
  SINGLE_REQUESTS_IN_FLIGHT,
  SMALL_BATCH
} from './constants'
import { checkedSettings } from './credentials'
import type { CheckedSettings } from './credentials'
import { dripRequest } from './drip-api'
import type { BatchKind, DripAnswer } from './drip-api'
import { errorType, localFailure } from './errors'
import type { DripActionError } from './errors'
import type { Built } from './records/values'

// performBatch's machinery: every payload of a batch gets exactly one result; records go to Drip's batch endpoints,
// alone when a batch is too small to be worth a batch request, and a record Drip refuses is isolated so that it fails
// alone.

export type Builder<P> = (payload: P) => Built<JSONLikeObject>

/** How a batch's payloads go to Drip's batch endpoint: built into records of a kind. */
export interface BatchSending<P> {
  records: BatchKind
  build: Builder<P>
}

/** A payload built and ready to send, by its index in the batch. */
export interface Ready<P> {
  index: number
  record: JSONLikeObject
  notes?: string[]
  payload: P
}

/**
 * Sends one payload of a batch alone (the batch too small to be worth a batch request, or a small part of one Drip
 * refused): Drip's answer, or `{ error }` when the payload is refused before anything is sent. Drip's refusal is
 * thrown, as an actions-core error.
 */
export type SendAlone<P> = (item: Ready<P>) => Promise<DripAnswer | { error: DripActionError }>

/** performBatch with the settings checked first: a bad setting refuses every payload alike, each with its own result. */
export async function withCheckedSettings(
  settings: Settings,
  count: number,
  send: (checked: CheckedSettings) => Promise<MultiStatusResponse>
): Promise<MultiStatusResponse> {
  let checked
  try {
    checked = checkedSettings(settings)
  } catch (error) {
    const results = new MultiStatusResponse()
    for (let index = 0; index < count; index++) {
      results.setErrorResponseAtIndex(index, errorResult(error as DripActionError))
    }
    return results
  }
  return send(checked)
}

/** A payload built by `build`, or the error that keeps it from being sent (a builder's failure is the payload's own). */
export function built<P, T>(
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
export function serialised(body: JSONLikeObject): string | { error: DripActionError } {
  try {
    return JSON.stringify(body)
  } catch (error) {
    return { error: localFailure(error) }
  }
}

/** A batch result's body: Drip's answer, with the notes and the budget left riding along when there are any. */
export function resultBody(answer: Pick<DripAnswer, 'body' | 'remaining'>, notes?: string[]): JSONLikeObject | string {
  if (typeof answer.body !== 'object' || (!notes && answer.remaining === undefined)) return answer.body
  return {
    ...answer.body,
    ...(notes ? { notes } : {}),
    ...(answer.remaining !== undefined ? { rate_limit_remaining: answer.remaining } : {})
  }
}

/** An error as one payload's result (with what was sent, when Drip refused what it was sent). */
export function errorResult(error: DripActionError, sent?: JSONLikeObject) {
  return {
    status: error.status ?? 400,
    errortype: errorType(error),
    errormessage: error.message,
    ...(sent ? { sent } : {})
  }
}

/** Runs `work` on every item, at most `limit` at once, and the items of one key one after another, in order. */
export async function inParallel<T>(
  items: T[],
  limit: number,
  keyOf: (item: T) => string,
  work: (item: T) => Promise<void>
) {
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
 * A request of a batch's that fails fast and transiently (a 5xx, a reset connection, Drip busy with the same person)
 * is made again within the call, a bounded number of times. A batch's records share one request's fate, and
 * isolating a refused record adds requests to their way; retried here, a good record batched with a refused one is
 * as likely to land within Segment's attempts as the same record sent alone. Not retried here: Drip's hourly limit,
 * which lasts the hour, and an answer that did not come whole within the timeout (504), which took its time already.
 */
async function retried<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send()
    } catch (error) {
      if (attempt >= BATCH_RETRIES || !transient(error as DripActionError)) throw error
      await new Promise((resolve) => setTimeout(resolve, BATCH_RETRY_PAUSE_MS * (attempt + 1)))
    }
  }
}

const transient = (error: DripActionError) =>
  error instanceof RetryableError &&
  error.status !== 504 &&
  !(error.status === 429 && /hourly rate limit/.test(error.message))

/**
 * The results of a batch, and the payloads that can be sent: one that cannot be built gets its own 400 (not sent, so
 * reported as refused by the integration). `sendAlone` sends payloads one by one, at most a few at once and a
 * person's in order; a request Drip refuses gives its payload Drip's status and message, and nothing is thrown.
 */
function prepared<P>(payloads: P[], build: Builder<P>, alone: SendAlone<P>) {
  const results = new MultiStatusResponse()
  const refuse = (index: number, error: DripActionError, sent?: JSONLikeObject) =>
    results.setErrorResponseAtIndex(index, errorResult(error, sent))
  const deliver = (index: number, answer: DripAnswer, sent: JSONLikeObject, notes?: string[]) =>
    results.setSuccessResponseAtIndex(index, { status: answer.status, sent, body: resultBody(answer, notes) })

  const ready: Array<Ready<P>> = []
  payloads.forEach((payload, index) => {
    const item = built(payload, build)
    if ('error' in item) refuse(index, item.error)
    else ready.push({ index, payload, ...item })
  })

  // Drip matches emails without regard to case: `Ada@x.com` and `ada@x.com` are one person.
  const personOf = (item: Ready<P>) => String(item.record.email ?? `#${item.index}`).toLowerCase()
  const sendAlone = (items: Array<Ready<P>>) =>
    inParallel(items, SINGLE_REQUESTS_IN_FLIGHT, personOf, async (item) => {
      try {
        const answer = await retried(() => alone(item))
        // Not sent: refused here, so without `sent` (actions-core then reports the integration, not Drip).
        if ('error' in answer) return refuse(item.index, answer.error)
        deliver(item.index, answer, item.record, item.notes)
      } catch (error) {
        refuse(item.index, error as DripActionError, item.record)
      }
    })
  return { results, ready, refuse, deliver, sendAlone }
}

/**
 * performBatch for records. A batch too small to be worth a batch request (SMALL_BATCH) goes out one by one
 * (`alone`); a larger one to Drip's batch endpoint in requests of at most 1,000. A request Drip refuses gives each of
 * its payloads Drip's status and message; nothing is thrown, so one bad request never fails payloads outside it.
 */
export async function sendRecords<P>(
  request: RequestClient,
  checked: CheckedSettings,
  payloads: P[],
  how: BatchSending<P>,
  alone: SendAlone<P>
): Promise<MultiStatusResponse> {
  const { results, ready, refuse, deliver, sendAlone } = prepared(payloads, how.build, alone)
  if (ready.length < SMALL_BATCH) {
    await sendAlone(ready)
    return results
  }

  const kind = how.records
  const url = kind.batchUrl(checked.account)
  // One batch request; when Drip refuses it for a record it does not name, the records are isolated (see isolate).
  const sendChunk = async (records: Array<Ready<P>>): Promise<void> => {
    const { chunk, body } = chunkBody(records)
    if (body === undefined) return
    try {
      const answer = await retried(() => dripRequest(request, url, { method: 'POST', body }, checked))
      // Drip answers a batch with an empty object; notes on values left out ride along with it.
      for (const { index, record, notes } of chunk) deliver(index, answer, record, notes)
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
  const chunkBody = (chunk: Array<Ready<P>>): { chunk: Array<Ready<P>>; body?: string } => {
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
  const isolate = async (chunk: Array<Ready<P>>): Promise<void> => {
    if (chunk.length <= REFUSED_BATCH_ALONE) return sendAlone(chunk)
    const half = Math.ceil(chunk.length / 2)
    await sendChunk(chunk.slice(0, half))
    await sendChunk(chunk.slice(half))
  }

  for (let start = 0; start < ready.length; start += DRIP_BATCH_MAX) {
    await sendChunk(ready.slice(start, start + DRIP_BATCH_MAX))
  }
  return results
}

/** performBatch when every payload goes alone (none of them has a batch endpoint): each built, then sent by `alone`. */
export async function sendEachAlone<P>(
  payloads: P[],
  build: Builder<P>,
  alone: SendAlone<P>
): Promise<MultiStatusResponse> {
  const { results, ready, sendAlone } = prepared(payloads, build, alone)
  await sendAlone(ready)
  return results
}
