import { MultiStatusResponse } from '@segment/actions-core'
import type { ExecuteInput, JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { SINGLE_REQUESTS_IN_FLIGHT } from './constants'
import { checkedSettings } from './credentials'
import { dripRequest, runCalls } from './drip-api'
import type { DripAnswer, RecordKind } from './drip-api'
import { built, errorResult, inParallel, resultBody, sendRecords, serialised } from './batches'
import type { BatchSending, Builder, Planner } from './batches'
import type { DripActionError } from './errors'

// The one path every action's perform and performBatch take: a payload is checked and built the same way in both.
// perform throws the actions-core error of the first failure; performBatch gives every payload its own result.

/** What perform answers with, and each successful batch result carries: Drip's answer and what was sent. */
export interface Delivery {
  status: number
  sent: JSONLikeObject
  body: JSONLikeObject | string
  notes?: string[]
  /** Drip's X-RateLimit-Remaining: what is left of this hour's budget, for an operator to see. */
  rate_limit_remaining?: number
}

/**
 * How an action's payloads reach Drip: as records of a kind, alone or in Drip's batches (`records` + `build`); as a
 * plan of calls (`plan`: perform only, for what Drip has no batch endpoint for); or a plan alone and records in
 * batches (both). With `removal`, rows of a Reverse ETL model that left it are undone (see RowRemoval).
 */
export type Sending<P> = (RecordsSending<P> | PlanSending<P> | (BatchSending<P> & PlanSending<P>)) & {
  removal?: RowRemoval<P>
}
type RecordsSending<P> = { records: RecordKind; build: Builder<P> }
type PlanSending<P> = { plan: Planner<P> }

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

type Data<P> = Pick<ExecuteInput<Settings, P>, 'settings' | 'syncMode'> & { audienceMembership?: unknown }

/** The answer for a row its sync mode does not act on: nothing sent, and the result says so. */
function untouched(syncMode: string): Delivery {
  return {
    status: 200,
    sent: {},
    body: {},
    notes: [`Nothing sent: the ${syncMode} sync mode does not act on this row.`]
  }
}

/** What perform answers: Drip's answer, what was sent, the notes and the budget left. */
function delivered(answer: DripAnswer, sent: JSONLikeObject, notes?: string[]): Delivery {
  const delivery: Delivery = { status: answer.status, sent, body: answer.body }
  if (notes) delivery.notes = notes
  if (answer.remaining !== undefined) delivery.rate_limit_remaining = answer.remaining
  return delivery
}

/** The built payload, or its error thrown: perform has one payload, so one that cannot be sent fails the call. */
function orThrow<T extends object>(result: T | { error: DripActionError }): T {
  if ('error' in result) throw result.error
  return result
}

/** One payload, by its plan when the action has one (or `plan` is given), else as one record. */
async function sendOne<P>(request: RequestClient, settings: Settings, payload: P, how: Sending<P>, plan?: Planner<P>) {
  const checked = checkedSettings(settings)
  const planner = plan ?? ('plan' in how ? how.plan : undefined)
  if (planner) {
    const { record: calls, notes } = orThrow(built(payload, planner))
    return delivered(await runCalls(request, checked, calls), calls.sent, notes)
  }
  const { records, build } = how as { records: RecordKind; build: Builder<P> }
  const { record, notes } = orThrow(built(payload, build))
  const body = serialised(records.one(record))
  if (typeof body !== 'string') throw body.error
  const answer = await dripRequest(request, records.url(checked.account), { method: 'POST', body }, checked)
  return delivered(answer, record, notes)
}

/** perform: one payload; a warehouse row by what its sync mode does with it. */
export function send<P>(request: RequestClient, data: Data<P> & { payload: P }, how: Sending<P>): Promise<Delivery> {
  const { settings, payload, syncMode, audienceMembership } = data
  const removal = how.removal
  if (!syncMode || audienceMembership === true) return sendOne(request, settings, payload, how)
  if (audienceMembership === false && removal?.asPlan) return sendOne(request, settings, payload, how, removal.asPlan)
  if (audienceMembership === false && removal?.asPayload)
    return sendOne(request, settings, removal.asPayload(payload), how)
  return Promise.resolve(untouched(syncMode))
}

/**
 * performBatch: every payload gets exactly one result. A bad setting refuses every payload alike, each with its own
 * result. Warehouse rows the batch endpoint takes go together, rows undone by calls one by one, and rows the sync mode
 * does not act on are answered here.
 */
export async function sendBatch<P>(
  request: RequestClient,
  data: Data<P> & { payload: P[] },
  how: Sending<P>
): Promise<MultiStatusResponse> {
  const { settings, payload: payloads, syncMode } = data
  let checked
  try {
    checked = checkedSettings(settings)
  } catch (error) {
    const results = new MultiStatusResponse()
    payloads.forEach((_payload, index) => results.setErrorResponseAtIndex(index, errorResult(error as DripActionError)))
    return results
  }
  const batching = how as BatchSending<P> & Sending<P>
  const memberships = data.audienceMembership as Array<boolean | undefined> | undefined
  if (!syncMode || !memberships) return sendRecords(request, checked, payloads, batching)

  const { removal } = how
  const results = new MultiStatusResponse()
  const together: Array<{ index: number; payload: P }> = []
  const alone: Array<{ index: number; payload: P }> = []
  payloads.forEach((row, index) => {
    const member = memberships[index]
    if (member === true) together.push({ index, payload: row })
    else if (member === false && removal?.asPlan) alone.push({ index, payload: row })
    else if (member === false && removal?.asPayload) together.push({ index, payload: removal.asPayload(row) })
    else {
      const { status, sent, notes } = untouched(syncMode)
      results.setSuccessResponseAtIndex(index, { status, sent, body: { notes: notes ?? [] } })
    }
  })
  if (together.length > 0) {
    const sent = await sendRecords(
      request,
      checked,
      together.map((row) => row.payload),
      batching
    )
    together.forEach(({ index }, k) => results.pushResponseObjectAtIndex(index, sent.getResponseAtIndex(k)))
  }
  const removedPlan = removal?.asPlan
  await inParallel(
    alone,
    SINGLE_REQUESTS_IN_FLIGHT,
    (row) => String(row.index),
    async ({ index, payload: row }) => {
      try {
        const { status, sent, body, notes } = await sendOne(request, settings, row, how, removedPlan)
        results.setSuccessResponseAtIndex(index, { status, sent, body: resultBody({ body }, notes) })
      } catch (error) {
        results.setErrorResponseAtIndex(index, errorResult(error as DripActionError))
      }
    }
  )
  return results
}
