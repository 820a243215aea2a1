import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, RequestClient, SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { Settings } from '../../src/generated-types'
import { SMALL_BATCH } from '../../src/constants'
import { DRIP_LIMITS, RateLimits } from '../simulator/rate-limits'
import { RATE_LIMIT_BODY } from '../simulator/server'
import { presetSubscriptions } from '../subscriptions'
import { identifyEvent, trackEvent } from './events'

// The traffic simulation of `npm run bench`: what each way of choosing endpoints serves of Drip's hourly budgets, on
// virtual time. Segment-like sources send identify and track calls (half each) at a steady or bursty rate; the real
// destination gets them through onEvent (individual requests always) or through onBatch in Segment's stream batches
// (an action's events are handed over when 1,000 have gathered or `BATCH_WINDOW_MS` after the first of them), sent
// to the batch endpoint always or routed by size (ours). HTTP is answered in-process by the simulator's rate limiter
// with Drip's budgets (3,600 individual and 50 batch requests an hour), so a simulated day costs seconds.
// "Batch endpoint always" is the destination with SMALL_BATCH at 1: see withSmallBatch.

/** How long Segment's runtime gathers an action's events before handing them over (an assumption: it is not published). */
export const BATCH_WINDOW_MS = 30_000
const MINUTE = 60_000
const HOUR = 60 * MINUTE

export type Strategy = 'batch endpoint always' | 'individual always' | 'ours: routed by size'
export const STRATEGIES: Strategy[] = ['batch endpoint always', 'individual always', 'ours: routed by size']

export interface Source {
  name: string
  /** Events a minute on average. */
  perMinute: number
  /** Bursty: the hour's events arrive in its first 6 minutes (ten times the rate), then nothing. */
  bursty: boolean
  /** A warehouse's nightly sync (Reverse ETL): the hour's rows all arrive in its first minute. */
  nightly?: boolean
}

export interface Outcome {
  events: number
  delivered: number
  /** Events Drip answered 429: Segment must retry them. */
  refused: number
  /** The largest share of each hourly budget spent in any hour. */
  singleShare: number
  batchShare: number
}

/** The source's event times over `hours`, in milliseconds of virtual time. */
function arrivals(source: Source, hours: number): number[] {
  const times: number[] = []
  const perHour = Math.round(source.perMinute * 60)
  for (let hour = 0; hour < hours; hour++) {
    const span = source.nightly ? MINUTE : source.bursty ? HOUR / 10 : HOUR
    for (let i = 0; i < perHour; i++) times.push(hour * HOUR + Math.floor((i * span) / perHour))
  }
  return times
}

/**
 * The destination with HTTP answered by the rate limiter on virtual time: a request client that answers as Drip
 * does, with a status (429 and Drip's body once a budget is spent), as actions-core's does with throwHttpErrors off.
 */
function simulatedDrip(clock: () => number) {
  const limits = new RateLimits(DRIP_LIMITS, clock)
  const spent = new Map<number, { single: number; batch: number }>()
  const request = (async (url: string) => {
    const batch = /\/batch(es)?$/.test(new URL(url).pathname)
    const budget = batch ? 'batch' : 'single'
    const ok = limits.spend('account', budget)
    if (ok) {
      const hour = Math.floor(clock() / HOUR)
      const used = spent.get(hour) ?? { single: 0, batch: 0 }
      used[budget]++
      spent.set(hour, used)
    }
    const headers = new Headers({ 'x-ratelimit-remaining': String(limits.remaining('account', budget)) })
    return {
      status: ok ? (batch ? 201 : 200) : 429,
      statusText: ok ? 'OK' : 'Too Many Requests',
      ok,
      headers,
      content: ok ? '{}' : JSON.stringify(RATE_LIMIT_BODY)
    }
  }) as unknown as RequestClient
  type Performer = (request: RequestClient, data: never) => unknown
  const simulated: DestinationDefinition<Settings> = {
    ...definition,
    actions: Object.fromEntries(
      Object.entries(definition.actions).map(([slug, action]) => {
        const { perform, performBatch } = action as unknown as { perform: Performer; performBatch?: Performer }
        return [
          slug,
          {
            ...action,
            perform: (_request: RequestClient, data: never) => perform(request, data),
            performBatch: (_request: RequestClient, data: never) => performBatch!(request, data)
          }
        ]
      })
    ) as DestinationDefinition<Settings>['actions']
  }
  return { definition: simulated, spent }
}

/**
 * Runs `work` with the destination's SMALL_BATCH at `smallBatch`, then puts it back. For this comparison only: the
 * destination reads its constants at call time as properties of the compiled module, so "batch endpoint always" is
 * the same destination with every batch of 1 or more sent to the batch endpoint.
 */
async function withSmallBatch<T>(smallBatch: number, work: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mutable = require('../../src/constants') as { SMALL_BATCH: number }
  const before = mutable.SMALL_BATCH
  mutable.SMALL_BATCH = smallBatch
  try {
    return await work()
  } finally {
    mutable.SMALL_BATCH = before
  }
}

/** One source through one strategy for `hours` of virtual time. */
export function simulate(source: Source, strategy: Strategy, hours: number): Promise<Outcome> {
  return withSmallBatch(strategy === 'batch endpoint always' ? 1 : SMALL_BATCH, () =>
    simulateWith(source, strategy, hours)
  )
}

async function simulateWith(source: Source, strategy: Strategy, hours: number): Promise<Outcome> {
  let now = 0
  const { definition, spent } = simulatedDrip(() => now)
  const destination = new Destination(definition)
  const batching = strategy !== 'individual always'
  const settings = {
    accountId: '1234567',
    apiKey: 'simulated-key',
    subscriptions: presetSubscriptions(definition, {
      mapping: { identify: { enable_batching: batching }, trackEvent: { enable_batching: batching } }
    }).filter((s) => s.partnerAction === 'identify' || s.partnerAction === 'trackEvent')
  } as unknown as JSONObject
  const outcome: Outcome = { events: 0, delivered: 0, refused: 0, singleShare: 0, batchShare: 0 }
  const count = (statuses: number[]) => {
    for (const status of statuses) {
      if (status < 300) outcome.delivered++
      else if (status === 429) outcome.refused++
    }
  }

  // Segment's stream batches, per action: handed over when full or when the window after the first event is over.
  const pending: Record<string, { events: SegmentEvent[]; due: number }> = {}
  const flush = async (action: string) => {
    const batch = pending[action]
    delete pending[action]
    now = Math.max(now, batch.due)
    const results = (await destination.onBatch(batch.events, settings)) as Array<{
      multistatus?: Array<{ status: number }>
    }>
    count(results.flatMap((r) => (r.multistatus ?? []).map((m) => m.status)))
  }
  const flushDue = async (until: number) => {
    for (const action of Object.keys(pending).sort((a, b) => pending[a].due - pending[b].due)) {
      if (pending[action].due <= until) await flush(action)
    }
  }

  const times = arrivals(source, hours)
  for (const [i, time] of times.entries()) {
    const event = i % 2 === 0 ? identifyEvent(i) : trackEvent(i)
    outcome.events++
    if (!batching) {
      now = time
      try {
        await destination.onEvent(event, settings)
        outcome.delivered++
      } catch (error) {
        if ((error as { status?: number }).status === 429) outcome.refused++
      }
      continue
    }
    await flushDue(time)
    now = time
    const action = event.type === 'identify' ? 'identify' : 'trackEvent'
    pending[action] ??= { events: [], due: time + BATCH_WINDOW_MS }
    pending[action].events.push(event)
    if (pending[action].events.length >= 1000) {
      pending[action].due = time
      await flush(action)
    }
  }
  await flushDue(Infinity)
  for (const used of spent.values()) {
    outcome.singleShare = Math.max(outcome.singleShare, used.single / DRIP_LIMITS.single)
    outcome.batchShare = Math.max(outcome.batchShare, used.batch / DRIP_LIMITS.batch)
  }
  return outcome
}

/** Every source through every strategy. */
export async function trafficSimulation(sources: Source[], hours: number) {
  const table: Array<{ source: Source; strategy: Strategy; outcome: Outcome }> = []
  for (const source of sources) {
    for (const strategy of STRATEGIES)
      table.push({ source, strategy, outcome: await simulate(source, strategy, hours) })
  }
  return table
}
