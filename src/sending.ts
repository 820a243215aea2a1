import type { JSONLikeObject, MultiStatusResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { checkedSettings } from './credentials'
import type { CheckedSettings } from './credentials'
import { dripRequest } from './drip-api'
import type { DripAnswer, RecordKind } from './drip-api'
import { built, sendRecords, serialised, withCheckedSettings } from './batches'
import type { Builder, SendAlone } from './batches'
import type { DripActionError } from './errors'

// The one path perform and performBatch take for actions whose payloads are Drip records: a payload is checked and
// built the same way in both. perform throws the actions-core error of the first failure; performBatch gives every
// payload its own result.

/** What perform answers with, and each successful batch result carries: Drip's answer and what was sent. */
export interface Delivery {
  status: number
  sent: JSONLikeObject
  body: JSONLikeObject | string
  notes?: string[]
  /** Drip's X-RateLimit-Remaining: what is left of this hour's budget, for an operator to see. */
  rate_limit_remaining?: number
}

/** How an action's payloads reach Drip: as records of a kind, built from each payload, alone or in Drip's batches. */
export interface Sending<P> {
  records: RecordKind
  build: Builder<P>
}

type Data<P> = { settings: Settings; payload: P }

/** What perform answers: Drip's answer, what was sent, the notes and the budget left. */
export function delivered(answer: DripAnswer, sent: JSONLikeObject, notes?: string[]): Delivery {
  const delivery: Delivery = { status: answer.status, sent, body: answer.body }
  if (notes) delivery.notes = notes
  if (answer.remaining !== undefined) delivery.rate_limit_remaining = answer.remaining
  return delivery
}

/** The result, or its error thrown: perform has one payload, so one that cannot be sent fails the call. */
export function orThrow<T extends object>(result: T | { error: DripActionError }): T {
  if ('error' in result) throw result.error
  return result
}

/** A record alone, through its kind's single endpoint. */
function throughSingleEndpoint<P>(request: RequestClient, checked: CheckedSettings, kind: RecordKind): SendAlone<P> {
  const url = kind.url(checked.account)
  return async ({ record }) => {
    const body = serialised(kind.one(record))
    if (typeof body !== 'string') return body
    return dripRequest(request, url, { method: 'POST', body }, checked)
  }
}

/** perform: one payload, as one record. */
export async function send<P>(
  request: RequestClient,
  { settings, payload }: Data<P>,
  how: Sending<P>
): Promise<Delivery> {
  const checked = checkedSettings(settings)
  const item = { index: 0, payload, ...orThrow(built(payload, how.build)) }
  const answer = orThrow(await throughSingleEndpoint<P>(request, checked, how.records)(item))
  return delivered(answer, item.record, item.notes)
}

/** performBatch: every payload gets exactly one result (see sendRecords). */
export function sendBatch<P>(
  request: RequestClient,
  { settings, payload: payloads }: Data<P[]>,
  how: Sending<P>
): Promise<MultiStatusResponse> {
  return withCheckedSettings(settings, payloads.length, (checked) =>
    sendRecords(request, checked, payloads, how, throughSingleEndpoint(request, checked, how.records))
  )
}
