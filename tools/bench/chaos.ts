import { Destination } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { createDefinition } from '../../src'
import type { Settings } from '../../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN, type Fault } from '../simulator'
import { RATE_LIMIT_BODY } from '../simulator/server'
import { presetSubscriptions } from '../subscriptions'

// A chaos run as Segment's runtime lives it: identify, track and order events through onBatch (Segment's batches)
// and onEvent (one at a time), against a simulator that refuses a few records (as Drip refuses a batch: whole, not
// saying which) and fails a share of requests. Each event is retried as Segment retries, up to 5 attempts. The
// report says what Drip holds against what each event was told. test/destination/chaos.test.ts runs a small one,
// npm run bench (section 6) a large one.

/** Drip's failures a chaos run draws from: the hourly limit, server errors, an HTML proxy page, resets, cut answers. */
export const CHAOS_FAULTS: Fault[] = [
  { status: 429, body: RATE_LIMIT_BODY, headers: { 'Retry-After': '3600' } },
  { status: 500, body: { errors: [{ code: 'server_error', message: 'Internal error' }] } },
  { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'Content-Type': 'text/html' } },
  { status: 503, body: 'Service Unavailable' },
  { reset: true },
  { status: 200, body: { pad: 'z'.repeat(100_000) }, cut: 'reset' }
]

/** Segment's attempts per event, and what it retries (408, 423, 429 and 5xx but 501). */
export const SEGMENT_ATTEMPTS = 5
export const retriedBySegment = (status: number) =>
  [408, 423, 429].includes(status) || (status >= 500 && status !== 501)

export const DRIP_REFUSAL = 'Drip refused the email: Email address is on a block list [email_error]'

type Kind = 'identify' | 'trackEvent' | 'orderActivity'
const KINDS: Array<[Kind, string]> = [
  ['identify', 'i'],
  ['trackEvent', 't'],
  ['orderActivity', 'o']
]

/** What one event was finally told, and on which attempt. */
export interface Outcome {
  status: number
  attempts: number
  message?: string
}

export interface ChaosReport {
  rate: number
  events: number
  refused: number
  /** Good events: delivered (2xx), and on which attempt. */
  delivered: number
  attempts: Record<number, number>
  /** Good events that ended in a failure: out of retries, or refused for another's sake. */
  goodFailed: Outcome[]
  /** Refused events told anything but Drip's refusal (or held by Drip after all). */
  refusedMisreported: Outcome[]
  /** Refused events: on which attempt they were told (a fault may come before Drip's refusal). */
  refusedAttempts: Record<number, number>
  /** Good events told they were delivered that Drip does not hold. */
  lost: string[]
  /** Requests that reached the simulator. */
  requests: number
}

/** One person per event: `refusedEvery`-th ones are people Drip refuses. */
function eventsOf(kind: Kind, prefix: string, count: number, refusedEvery: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, n) => {
    const refused = (n + 1) % refusedEvery === refusedEvery / 2
    const email = refused ? `${prefix}${n}-refused@example.com` : `${prefix}${n}@example.com`
    const frame = { messageId: `${prefix}${n}`, timestamp: '2026-11-20T10:15:00.000Z', context: {} }
    if (kind === 'identify') return { ...frame, type: 'identify', traits: { email } } as SegmentEvent
    if (kind === 'trackEvent') {
      return { ...frame, type: 'track', event: 'Chaos Checked', properties: { email, n } } as SegmentEvent
    }
    return {
      ...frame,
      type: 'track',
      event: 'Order Completed',
      properties: {
        email,
        order_id: `${prefix}order-${n}`,
        total: 10,
        products: [{ product_id: 'p1', name: 'Mug', price: 10 }]
      }
    } as SegmentEvent
  })
}

const emailOf = (event: SegmentEvent) => String((event.traits ?? event.properties ?? {}).email)

/** Segment's delivery of one action's events in batches of `batchSize`: what fails retryably goes again. */
async function deliverInBatches(
  destination: Destination<Settings>,
  settings: JSONObject,
  events: SegmentEvent[],
  batchSize: number
): Promise<Outcome[]> {
  const outcomes: Outcome[] = events.map(() => ({ status: 0, attempts: 0 }))
  let pending = events.map((_event, index) => index)
  for (let attempt = 1; attempt <= SEGMENT_ATTEMPTS && pending.length > 0; attempt++) {
    const retry: number[] = []
    for (let start = 0; start < pending.length; start += batchSize) {
      const batch = pending.slice(start, start + batchSize)
      const results = await destination.onBatch(
        batch.map((index) => events[index]),
        settings
      )
      const { multistatus } = results[0] as { multistatus: Array<{ status: number; errormessage?: string }> }
      batch.forEach((index, i) => {
        const result = multistatus[i] ?? { status: 0, errormessage: 'no result for this event' }
        outcomes[index] = { status: result.status, attempts: attempt, message: result.errormessage }
        if (retriedBySegment(result.status)) retry.push(index)
      })
    }
    pending = retry
  }
  return outcomes
}

/** Segment's delivery of events one at a time, each retried on its own. */
async function deliverAlone(
  destination: Destination<Settings>,
  settings: JSONObject,
  events: SegmentEvent[]
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const event of events) {
    let outcome: Outcome = { status: 0, attempts: 0 }
    for (let attempt = 1; attempt <= SEGMENT_ATTEMPTS; attempt++) {
      const error = await destination.onEvent(event, settings).then(
        () => undefined,
        (e: Error & { status?: number }) => e
      )
      outcome = { status: error ? (error.status ?? 500) : 200, attempts: attempt, message: error?.message }
      if (!error || !retriedBySegment(outcome.status)) break
    }
    outcomes.push(outcome)
  }
  return outcomes
}

export interface ChaosOptions {
  /** Events per action through onBatch, and through onEvent. */
  batched: number
  alone: number
  /** One person in this many is refused by Drip. */
  refusedEvery: number
  /** The share of requests that meet a fault. */
  rate: number
  batchSize?: number
  seed?: string
}

/** Runs the events of every action through the destination against a fresh simulator, and reports. */
export async function chaosRun(options: ChaosOptions): Promise<ChaosReport> {
  const events = KINDS.map(([kind, prefix]) => ({
    kind,
    batched: eventsOf(kind, prefix, options.batched, options.refusedEvery),
    alone: eventsOf(kind, `${prefix}a`, options.alone, options.refusedEvery)
  }))
  const refusedEmails = events
    .flatMap((e) => [...e.batched, ...e.alone].map(emailOf))
    .filter((e) => /-refused@/.test(e))
  // Drip's hourly budgets are the traffic simulation's subject (section 5), not this one's: unlimited here.
  const sim = new DripSimulator({ refusedEmails, limits: { single: 1e9, batch: 1e9 }, keepEvents: 1e9 })
  // The default routing: small batches and refused parts of at most 288 records go out one by one.
  const definition = createDefinition(await sim.start())
  const destination = new Destination(definition)
  const settingsFor = (kind: Kind, batching: boolean) =>
    ({
      accountId: DEMO_ACCOUNT_ID,
      apiKey: DEMO_API_TOKEN,
      subscriptions: presetSubscriptions(definition, { only: kind, mapping: { [kind]: { enable_batching: batching } } })
    }) as unknown as JSONObject
  try {
    sim.chaos(options.rate > 0 ? { rate: options.rate, faults: CHAOS_FAULTS, seed: options.seed } : undefined)
    const told: Array<{ kind: Kind; event: SegmentEvent; outcome: Outcome }> = []
    for (const { kind, batched, alone } of events) {
      const inBatches = await deliverInBatches(destination, settingsFor(kind, true), batched, options.batchSize ?? 500)
      const oneByOne = await deliverAlone(destination, settingsFor(kind, false), alone)
      batched.forEach((event, i) => told.push({ kind, event, outcome: inBatches[i] }))
      alone.forEach((event, i) => told.push({ kind, event, outcome: oneByOne[i] }))
    }
    return report(options.rate, told, new Set(refusedEmails), sim)
  } finally {
    await sim.stop()
  }
}

function report(
  rate: number,
  told: Array<{ kind: Kind; event: SegmentEvent; outcome: Outcome }>,
  refusedEmails: Set<string>,
  sim: DripSimulator
): ChaosReport {
  const account = sim.state().accounts[0]
  const held: Record<Kind, Set<string>> = {
    identify: new Set(account.people.map((p) => p.email)),
    trackEvent: new Set(account.events.filter((e) => e.action === 'Chaos Checked').map((e) => e.email)),
    orderActivity: new Set(
      account.shopper_activity.filter((r) => r.kind === 'order').map((r) => String((r as { email?: string }).email))
    )
  }
  const result: ChaosReport = {
    rate,
    events: told.length,
    refused: 0,
    delivered: 0,
    attempts: {},
    goodFailed: [],
    refusedMisreported: [],
    refusedAttempts: {},
    lost: [],
    requests: sim.requestCount
  }
  for (const { kind, event, outcome } of told) {
    const email = emailOf(event)
    if (refusedEmails.has(email)) {
      result.refused++
      result.refusedAttempts[outcome.attempts] = (result.refusedAttempts[outcome.attempts] ?? 0) + 1
      const refusal = outcome.status === 400 && outcome.message === DRIP_REFUSAL
      if (!refusal || held[kind].has(email)) result.refusedMisreported.push(outcome)
    } else if (outcome.status >= 200 && outcome.status < 300) {
      result.delivered++
      result.attempts[outcome.attempts] = (result.attempts[outcome.attempts] ?? 0) + 1
      if (!held[kind].has(email)) result.lost.push(`${kind} ${email}`)
    } else {
      result.goodFailed.push(outcome)
    }
  }
  return result
}

/** What isolating refused records costs: one batch of `size` identify events, people at `refusedAt` refused. */
export async function refusedRecordCost(size: number, refusedAt: number[]) {
  const email = (n: number) => (refusedAt.includes(n) ? `p${n}-refused@example.com` : `p${n}@example.com`)
  const sim = new DripSimulator({
    refusedEmails: refusedAt.map(email),
    limits: { single: 1e9, batch: 1e9 },
    keepRequests: 10 * size
  })
  const definition = createDefinition(await sim.start())
  try {
    const settings = {
      accountId: DEMO_ACCOUNT_ID,
      apiKey: DEMO_API_TOKEN,
      subscriptions: presetSubscriptions(definition, {
        only: 'identify',
        mapping: { identify: { enable_batching: true } }
      })
    } as unknown as JSONObject
    const events = Array.from(
      { length: size },
      (_, n) =>
        ({
          type: 'identify',
          messageId: `m${n}`,
          timestamp: '2026-11-20T10:15:00.000Z',
          traits: { email: email(n) }
        }) as SegmentEvent
    )
    const results = await new Destination(definition).onBatch(events, settings)
    const { multistatus } = results[0] as { multistatus: Array<{ status: number }> }
    const batch = sim.received.filter((r) => r.path.endsWith('/batches')).length
    return {
      batch,
      single: sim.received.length - batch,
      delivered: multistatus.filter((r) => r.status >= 200 && r.status < 300).length,
      failed: multistatus.filter((r) => r.status >= 400).length
    }
  } finally {
    await sim.stop()
  }
}
