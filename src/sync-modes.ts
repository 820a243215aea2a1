import { MultiStatusResponse } from '@segment/actions-core'
import type { ExecuteInput, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { SINGLE_REQUESTS_IN_FLIGHT } from './constants'
import { errorResult, inParallel, resultBody, withCheckedSettings } from './batches'
import type { DripActionError } from './errors'
import { send as sendPlan, sendBatch as sendPlanBatch } from './plans'
import type { Planner, PlanSending, Sending as PlannedSending } from './plans'
import { send as sendRecord, sendBatch as sendRecordBatch } from './sending'
import type { Delivery, Sending as RecordSending } from './sending'

// Warehouse rows (Reverse ETL sync modes), for the actions that offer a sync mode. The runtime tells each row's
// membership of the model: true for a row the mode adds or updates, false for a row that left it (modes delete and
// mirror), undefined for a row the mode does not act on. Rows the mode adds or updates, and every payload that is not
// a row, go as the action sends payloads (sending.ts or plans.ts).

/** What a row that left the model undoes, for an action that offers delete or mirror. */
export interface RowRemoval<P> {
  /** The payload that undoes it, sent as the action sends payloads (a tag change: the row's tags to remove). */
  asPayload?: (payload: P) => P
  /** Or the calls that undo it (a person: unsubscribed or deleted, as the admin chose). */
  asPlan?: Planner<P>
}

/** How an action's payloads reach Drip, and what a row that left the model undoes. */
export type Sending<P> = (RecordSending<P> | PlanSending<P>) & { removal?: RowRemoval<P> }

type Data<P> = Pick<ExecuteInput<Settings, P>, 'settings' | 'syncMode'> & { payload: P; audienceMembership?: unknown }

/** The answer for a row its sync mode does not act on: nothing sent, and the result says so. */
function untouched(syncMode: string): Delivery {
  return {
    status: 200,
    sent: {},
    body: {},
    notes: [`Nothing sent: the ${syncMode} sync mode does not act on this row.`]
  }
}

/** One payload, as the action sends payloads: by its plan, or as a record. */
function sendPayload<P>(request: RequestClient, settings: Settings, payload: P, how: Sending<P>): Promise<Delivery> {
  return 'plan' in how
    ? sendPlan(request, { settings, payload }, how)
    : sendRecord(request, { settings, payload }, how as RecordSending<P>)
}

/** A batch of payloads, as the action sends batches. */
function sendPayloads<P>(request: RequestClient, settings: Settings, payloads: P[], how: Sending<P>) {
  return 'plan' in how
    ? sendPlanBatch(request, { settings, payload: payloads }, how as PlannedSending<P>)
    : sendRecordBatch(request, { settings, payload: payloads }, how as RecordSending<P>)
}

/** perform: one payload; a warehouse row by what its sync mode does with it. */
export function send<P>(request: RequestClient, data: Data<P>, how: Sending<P>): Promise<Delivery> {
  const { settings, payload, syncMode, audienceMembership } = data
  const removal = how.removal
  if (!syncMode || audienceMembership === true) return sendPayload(request, settings, payload, how)
  if (audienceMembership === false && removal?.asPlan) return sendPlan(request, data, { plan: removal.asPlan })
  if (audienceMembership === false && removal?.asPayload) {
    return sendPayload(request, settings, removal.asPayload(payload), how)
  }
  return Promise.resolve(untouched(syncMode))
}

/**
 * performBatch: every payload gets exactly one result. A bad setting refuses every row alike, each with its own
 * result. Rows the batch endpoint takes go together, rows undone by calls one by one, and rows the sync mode does not
 * act on are answered here.
 */
export function sendBatch<P>(request: RequestClient, data: Data<P[]>, how: Sending<P>): Promise<MultiStatusResponse> {
  const { settings, payload: payloads, syncMode } = data
  const memberships = data.audienceMembership as Array<boolean | undefined> | undefined
  if (!syncMode || !memberships) return sendPayloads(request, settings, payloads, how)

  return withCheckedSettings(settings, payloads.length, async () => {
    const { removal } = how
    const results = new MultiStatusResponse()
    const together: Array<{ index: number; payload: P }> = []
    const alone: Array<{ index: number; payload: P; plan: Planner<P> }> = []
    payloads.forEach((row, index) => {
      const member = memberships[index]
      if (member === true) together.push({ index, payload: row })
      else if (member === false && removal?.asPlan) alone.push({ index, payload: row, plan: removal.asPlan })
      else if (member === false && removal?.asPayload) together.push({ index, payload: removal.asPayload(row) })
      else {
        const { status, sent, notes } = untouched(syncMode)
        results.setSuccessResponseAtIndex(index, { status, sent, body: { notes: notes ?? [] } })
      }
    })
    if (together.length > 0) {
      const rows = together.map((row) => row.payload)
      const sent = await sendPayloads(request, settings, rows, how)
      together.forEach(({ index }, k) => results.pushResponseObjectAtIndex(index, sent.getResponseAtIndex(k)))
    }
    await inParallel(
      alone,
      SINGLE_REQUESTS_IN_FLIGHT,
      (row) => String(row.index),
      async ({ index, payload, plan }) => {
        try {
          const { status, sent, body, notes } = await sendPlan(request, { settings, payload }, { plan })
          results.setSuccessResponseAtIndex(index, { status, sent, body: resultBody({ body }, notes) })
        } catch (error) {
          results.setErrorResponseAtIndex(index, errorResult(error as DripActionError))
        }
      }
    )
    return results
  })
}
