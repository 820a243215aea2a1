import type { JSONLikeObject, MultiStatusResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { checkedSettings } from './credentials'
import type { CheckedSettings } from './credentials'
import { runCalls } from './drip-api'
import type { Plan } from './drip-api'
import { built, sendEachAlone, sendRecords, withCheckedSettings } from './batches'
import type { BatchSending, SendAlone } from './batches'
import type { Built } from './records/values'
import { delivered, orThrow } from './sending'
import type { Delivery } from './sending'

// The path perform and performBatch take for actions whose payloads are calls, not records (tags, unsubscribes,
// deletion, Email Series, workflows): a payload's plan is the calls it makes, in order. perform runs the plan. Where
// Drip has a batch endpoint, performBatch sends records there, and a payload that goes alone runs its plan.

export type Planner<P> = (payload: P) => Built<Plan>

/** perform: the payload's plan. */
export interface PlanSending<P> {
  plan: Planner<P>
}

/** perform and performBatch: the payload's plan, and records for Drip's batch endpoint (a payload alone runs its plan). */
export interface Sending<P> extends BatchSending<P>, PlanSending<P> {
  /** True for a batch whose payloads must all go alone, by their plans (what they ask has no batch endpoint). */
  planEvery?: (payloads: P[]) => boolean
}

type Data<P> = { settings: Settings; payload: P }

/** A payload alone, by its plan. */
function byPlan<P>(request: RequestClient, checked: CheckedSettings, plan: Planner<P>): SendAlone<P> {
  return async ({ payload }) => {
    const planned = built(payload, plan)
    return 'error' in planned ? planned : runCalls(request, checked, planned.record)
  }
}

/** A plan's result as a record: what the plan sends, for a batch sent one plan at a time. */
function sentBy(planned: Built<Plan>): Built<JSONLikeObject> {
  return 'error' in planned ? planned : { record: planned.record.sent, notes: planned.notes }
}

/** perform: one payload, by its plan. */
export async function send<P>(
  request: RequestClient,
  { settings, payload }: Data<P>,
  how: PlanSending<P>
): Promise<Delivery> {
  const checked = checkedSettings(settings)
  const { record: calls, notes } = orThrow(built(payload, how.plan))
  return delivered(await runCalls(request, checked, calls), calls.sent, notes)
}

/** performBatch: every payload gets exactly one result; what each reports as sent is what its request carried. */
export function sendBatch<P>(
  request: RequestClient,
  { settings, payload: payloads }: Data<P[]>,
  how: Sending<P>
): Promise<MultiStatusResponse> {
  return withCheckedSettings(settings, payloads.length, (checked) => {
    const alone = byPlan(request, checked, how.plan)
    if (how.planEvery?.(payloads)) return sendEachAlone(payloads, (payload) => sentBy(how.plan(payload)), alone)
    return sendRecords(request, checked, payloads, how, alone)
  })
}
