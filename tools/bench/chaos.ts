import { AsyncLocalStorage } from 'async_hooks'
import { parseArgs } from 'util'
import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, RequestClient, SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { Settings } from '../../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN, type Fault } from '../simulator'
import { routeDripTo } from '../simulator/routing'
import { RATE_LIMIT_BODY } from '../simulator/server'
import { presetSubscriptions } from '../subscriptions'

// A chaos run as Segment's runtime lives it: the same identify, track and order events through onBatch (Segment's
// batches) and through onEvent (one at a time), each against a fresh simulator with the same faults, which refuses a
// few records (as Drip refuses a batch: whole, not saying which) and fails a share of requests. Each event is retried
// as Segment retries, up to 5 attempts. The report says, for each way, what Drip holds against what each event was
// told, the requests spent (and how many of them performBatch's own retries made), and for a good event that ran out
// of attempts, which request of its way failed each attempt. test/destination/chaos.test.ts runs a small one,
// npm run bench (section 6) a larger one; `node -r ts-node/register/transpile-only tools/bench/chaos.ts` runs one at
// 0, 10 and 30% faults from the command line and prints the table docs/performance.md shows (--help).

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

/**
 * The chaos run npm run bench (section 6) and this file's command make, and docs/performance.md shows: about 20,000
 * events, 0.6% of people refused, batches of 500, at 0, 10 and 30% faults.
 */
export const BENCH_CHAOS = { perKind: 6667, refusedEvery: 167, batchSize: 500, seed: 'bench', rates: [0, 0.1, 0.3] }

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

export type Way = 'onBatch' | 'onEvent'
export const WAYS: Way[] = ['onBatch', 'onEvent']

/** One request the destination made, as the run watched it go. */
export interface Exchange {
  /** The perform or performBatch call that made it, and Segment's attempt it was made in. */
  call: number
  attempt: number
  method: string
  path: string
  /** The people it carried, from its body (each once). */
  emails: string[]
  /** Drip's status, or the error that came instead of one (a reset, a cut answer). */
  outcome: number | string
  /** The same request as an earlier one of the same call: performBatch's own retry. */
  retry: boolean
}

/** What one way (onBatch or onEvent) made of the run's events. */
export interface WayReport {
  way: Way
  events: number
  refused: number
  /** Good events: delivered (2xx), and on which attempt. */
  delivered: number
  attempts: Record<number, number>
  /** Good events that ended in a failure: out of retries, or refused for another's sake. */
  goodFailed: Outcome[]
  /** Good events out of Segment's attempts: still failing retryably after the last. */
  exhausted: number
  /** Refused events told anything but Drip's refusal (or held by Drip after all). */
  refusedMisreported: Outcome[]
  /** Refused events: on which attempt they were told (a fault may come before Drip's refusal). */
  refusedAttempts: Record<number, number>
  /** Good events told they were delivered that Drip does not hold. */
  lost: string[]
  /** Requests the destination made (a reset one included), and how many of them were performBatch's own retries. */
  requests: number
  inCallRetries: number
  /** The requests, by Drip's budget they count against: batch endpoints', single endpoints'. */
  batchRequests: number
  singleRequests: number
  /**
   * For the good events out of attempts: in each of their failed attempts, which request of the event's way failed
   * it (the request Segment's batch was sent in, a part of it sent again when Drip refused it, or the event alone)
   * and with what, counted over events and attempts.
   */
  exhaustedBy: Record<string, number>
  /** Of the good events out of attempts, those batched with a refused record (split) in at least one attempt. */
  exhaustedAfterSplit: number
}

export interface ChaosReport {
  rate: number
  refusedEvery: number
  onBatch?: WayReport
  onEvent?: WayReport
}

export interface ChaosOptions {
  /** Events per action (identify, track, orders) through onBatch, and (the first so many of them) through onEvent. */
  batched: number
  alone: number
  /** One person in this many is refused by Drip. */
  refusedEvery: number
  /** The share of requests that meet a fault. */
  rate: number
  batchSize?: number
  seed?: string
  /** The ways to run (both unless told). */
  ways?: Way[]
  /** The destination's request timeout for the run (with faults, CHAOS_REQUEST_TIMEOUT_MS unless told). */
  requestTimeoutMs?: number
}

/**
 * The request timeout a chaos run gives the destination instead of DRIP_REQUEST_TIMEOUT_MS (10 s). The node-fetch
 * actions-core uses notices an answer cut mid-way (one of the faults) only when the timeout ends it, so at 30% faults
 * a run at 10 s would spend hours waiting. A run counts outcomes, not time, and the simulator answers on 127.0.0.1 in
 * milliseconds, so a cut answer ends as it would at 10 s (a retryable 504), only sooner.
 */
export const CHAOS_REQUEST_TIMEOUT_MS = 1000

/**
 * Runs `work` with the destination's request timeout at `ms`, then puts it back. The destination reads its
 * constants at call time as properties of the compiled module, so setting the property sets what it uses (tooling
 * only, for a chaos run; see CHAOS_REQUEST_TIMEOUT_MS).
 */
async function withRequestTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const constants = require('../../src/constants') as { DRIP_REQUEST_TIMEOUT_MS: number }
  const before = constants.DRIP_REQUEST_TIMEOUT_MS
  constants.DRIP_REQUEST_TIMEOUT_MS = ms
  try {
    return await work()
  } finally {
    constants.DRIP_REQUEST_TIMEOUT_MS = before
  }
}

/** One person per event: one in `refusedEvery` is a person Drip refuses. */
function eventsOf(kind: Kind, prefix: string, count: number, refusedEvery: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, n) => {
    const refused = (n + 1) % refusedEvery === Math.floor(refusedEvery / 2)
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

const isBatchPath = (path: string) => /\/batch(es)?$/.test(path)
const emailOf = (event: SegmentEvent) => String((event.traits ?? event.properties ?? {}).email)
const EMAIL_IN_BODY = /"email":"([^"]+)"/g

/** Segment's attempt a call of the destination's belongs to, for the requests it makes. */
const attemptOfCall = new AsyncLocalStorage<number>()

/**
 * The destination with every request its actions make watched: `log` gets each as it goes, and its outcome when it
 * comes. Nothing is changed on the way.
 */
function watched(log: Exchange[]): DestinationDefinition<Settings> {
  let calls = 0
  type Performer = (request: RequestClient, data: never) => unknown
  const watch =
    (perform: Performer): Performer =>
    (request, data) => {
      const call = ++calls
      const seen = new Set<string>()
      const watching = (async (url: string, options: { method?: string; body?: string }) => {
        const key = `${options.method} ${url} ${options.body ?? ''}`
        const exchange: Exchange = {
          call,
          attempt: attemptOfCall.getStore() ?? 0,
          method: options.method ?? 'GET',
          path: new URL(url).pathname,
          emails: [...new Set([...(options.body ?? '').matchAll(EMAIL_IN_BODY)].map((m) => m[1]))],
          outcome: 'no answer',
          retry: seen.has(key)
        }
        seen.add(key)
        log.push(exchange)
        try {
          const response = await request(url, options as never)
          exchange.outcome = response.status
          return response
        } catch (error) {
          const { code, type, name } = error as { code?: string; type?: string; name: string }
          exchange.outcome = code ?? type ?? name
          throw error
        }
      }) as unknown as RequestClient
      return perform(watching, data)
    }
  return {
    ...definition,
    actions: Object.fromEntries(
      Object.entries(definition.actions).map(([slug, action]) => {
        const { perform, performBatch } = action as unknown as { perform: Performer; performBatch?: Performer }
        return [
          slug,
          { ...action, perform: watch(perform), ...(performBatch ? { performBatch: watch(performBatch) } : {}) }
        ]
      })
    ) as DestinationDefinition<Settings>['actions']
  }
}

/** Runs `work` on every item, at most `limit` at once (Segment's runtime delivers many events and batches at once). */
async function inFlight<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Batches and events a chaos run has in flight at once. The faults hang on each request, not on timing. */
const BATCHES_IN_FLIGHT = 4
const EVENTS_IN_FLIGHT = 16

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
    const retry = new Set<number>()
    const batches = Array.from({ length: Math.ceil(pending.length / batchSize) }, (_, b) =>
      pending.slice(b * batchSize, (b + 1) * batchSize)
    )
    await inFlight(batches, BATCHES_IN_FLIGHT, async (batch) => {
      const results = await attemptOfCall.run(attempt, () =>
        destination.onBatch(
          batch.map((index) => events[index]),
          settings
        )
      )
      const { multistatus } = results[0] as { multistatus: Array<{ status: number; errormessage?: string }> }
      batch.forEach((index, i) => {
        const result = multistatus[i] ?? { status: 0, errormessage: 'no result for this event' }
        outcomes[index] = { status: result.status, attempts: attempt, message: result.errormessage }
        if (retriedBySegment(result.status)) retry.add(index)
      })
    })
    // Segment's next attempt, in the order the events came.
    pending = pending.filter((index) => retry.has(index))
    destination.responses.length = 0
  }
  return outcomes
}

/** Segment's delivery of events one at a time, each retried on its own. */
async function deliverAlone(
  destination: Destination<Settings>,
  settings: JSONObject,
  events: SegmentEvent[]
): Promise<Outcome[]> {
  const outcomes = new Map<SegmentEvent, Outcome>()
  await inFlight(events, EVENTS_IN_FLIGHT, async (event) => {
    let outcome: Outcome = { status: 0, attempts: 0 }
    for (let attempt = 1; attempt <= SEGMENT_ATTEMPTS; attempt++) {
      const error = await attemptOfCall
        .run(attempt, () => destination.onEvent(event, settings))
        .then(
          () => undefined,
          (e: Error & { status?: number }) => e
        )
      outcome = { status: error ? (error.status ?? 500) : 200, attempts: attempt, message: error?.message }
      if (!error || !retriedBySegment(outcome.status)) break
    }
    outcomes.set(event, outcome)
    if (outcomes.size % 100 === 0) destination.responses.length = 0
  })
  return events.map((event) => outcomes.get(event)!)
}

/**
 * Runs the events of every action through the destination, by each way against the same simulator made fresh, with
 * the same faults, and reports.
 */
export function chaosRun(options: ChaosOptions): Promise<ChaosReport> {
  const timeout = options.requestTimeoutMs ?? (options.rate > 0 ? CHAOS_REQUEST_TIMEOUT_MS : undefined)
  return timeout === undefined ? runChaos(options) : withRequestTimeout(timeout, () => runChaos(options))
}

async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const events = KINDS.map(([kind, prefix]) => ({
    kind,
    all: eventsOf(kind, prefix, options.batched, options.refusedEvery)
  }))
  const refusedEmails = events.flatMap((e) => e.all.map(emailOf)).filter((e) => /-refused@/.test(e))
  // Drip's hourly budgets are the traffic simulation's subject (section 5), not this one's: unlimited here.
  const sim = new DripSimulator({ refusedEmails, limits: { single: 1e9, batch: 1e9 }, keepEvents: 1e9 })
  const unroute = routeDripTo(await sim.start())
  const log: Exchange[] = []
  // The destination as it is (small batches and refused parts of at most 288 records go out one by one), watched.
  const destination = new Destination(watched(log))
  const settingsFor = (kind: Kind, batching: boolean) =>
    ({
      accountId: DEMO_ACCOUNT_ID,
      apiKey: DEMO_API_TOKEN,
      subscriptions: presetSubscriptions(definition, { only: kind, mapping: { [kind]: { enable_batching: batching } } })
    }) as unknown as JSONObject
  const result: ChaosReport = { rate: options.rate, refusedEvery: options.refusedEvery }
  try {
    for (const way of options.ways ?? WAYS) {
      sim.reset()
      log.length = 0
      sim.chaos(options.rate > 0 ? { rate: options.rate, faults: CHAOS_FAULTS, seed: options.seed } : undefined)
      const told: Array<{ kind: Kind; event: SegmentEvent; outcome: Outcome }> = []
      for (const { kind, all } of events) {
        const mine = way === 'onBatch' ? all : all.slice(0, options.alone)
        const outcomes =
          way === 'onBatch'
            ? await deliverInBatches(destination, settingsFor(kind, true), mine, options.batchSize ?? 500)
            : await deliverAlone(destination, settingsFor(kind, false), mine)
        mine.forEach((event, i) => told.push({ kind, event, outcome: outcomes[i] }))
      }
      result[way] = report(way, told, new Set(refusedEmails), sim, log)
    }
    return result
  } finally {
    unroute()
    await sim.stop()
  }
}

function report(
  way: Way,
  told: Array<{ kind: Kind; event: SegmentEvent; outcome: Outcome }>,
  refusedEmails: Set<string>,
  sim: DripSimulator,
  log: Exchange[]
): WayReport {
  const account = sim.state().accounts[0]
  const held: Record<Kind, Set<string>> = {
    identify: new Set(account.people.map((p) => p.email)),
    trackEvent: new Set(account.events.filter((e) => e.action === 'Chaos Checked').map((e) => e.email)),
    orderActivity: new Set(
      account.shopper_activity.filter((r) => r.kind === 'order').map((r) => String((r as { email?: string }).email))
    )
  }
  const result: WayReport = {
    way,
    events: told.length,
    refused: 0,
    delivered: 0,
    attempts: {},
    goodFailed: [],
    exhausted: 0,
    refusedMisreported: [],
    refusedAttempts: {},
    lost: [],
    requests: log.length,
    inCallRetries: log.filter((e) => e.retry).length,
    batchRequests: log.filter((e) => isBatchPath(e.path)).length,
    singleRequests: log.filter((e) => !isBatchPath(e.path)).length,
    exhaustedBy: {},
    exhaustedAfterSplit: 0
  }
  const exhausted = new Set<string>()
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
      if (outcome.attempts === SEGMENT_ATTEMPTS && retriedBySegment(outcome.status)) {
        result.exhausted++
        exhausted.add(email)
      }
    }
  }
  Object.assign(result, failedAttempts(log, exhausted))
  return result
}

/** How a request failed, with its tries within the call: Drip's hourly 429 (never retried there), or transient faults. */
const failure = (tries: Exchange[]) => {
  const last = tries[tries.length - 1]
  if (last.outcome === 429) {
    return tries.length > 1
      ? `Drip's hourly 429 on try ${tries.length}, after transient faults`
      : "Drip's hourly 429 (not retried in the call)"
  }
  return tries.length > 1 ? `transient faults on all ${tries.length} tries` : `a transient fault (${last.outcome})`
}

/**
 * For each good event out of attempts, each attempt's chain of requests that carried it (the request Segment's batch
 * went in, then the parts of it sent again), and the step of it that failed. Counted as "step: failure".
 */
function failedAttempts(log: Exchange[], exhausted: Set<string>) {
  const exhaustedBy: Record<string, number> = {}
  const chains = new Map<string, Map<number, Exchange[]>>()
  for (const exchange of log) {
    for (const email of exchange.emails) {
      if (!exhausted.has(email)) continue
      const byAttempt = chains.get(email) ?? new Map<number, Exchange[]>()
      chains.set(email, byAttempt)
      const chain = byAttempt.get(exchange.attempt) ?? []
      byAttempt.set(exchange.attempt, chain)
      chain.push(exchange)
    }
  }
  let exhaustedAfterSplit = 0
  for (const byAttempt of chains.values()) {
    let split = false
    for (const chain of byAttempt.values()) {
      // Steps: each distinct request with its tries (a retry follows the request it repeats).
      const steps: Exchange[][] = []
      for (const exchange of chain) {
        if (exchange.retry && steps.length > 0) steps[steps.length - 1].push(exchange)
        else steps.push([exchange])
      }
      if (steps.length > 1) split = true
      const last = steps[steps.length - 1]
      const first = last[0]
      const batch = isBatchPath(first.path)
      const where =
        steps.length === 1
          ? batch
            ? `the batch request Segment's batch went in (${first.emails.length} records)`
            : 'the event alone (single request)'
          : batch
            ? `step ${steps.length}: a refused batch's part, sent again as a batch`
            : `step ${steps.length}: a refused batch's record, sent alone`
      const key = `${where}: ${failure(last)}`
      exhaustedBy[key] = (exhaustedBy[key] ?? 0) + 1
    }
    if (split) exhaustedAfterSplit++
  }
  return { exhaustedBy, exhaustedAfterSplit }
}

/** What isolating refused records costs: one batch of `size` identify events, people at `refusedAt` refused. */
export async function refusedRecordCost(size: number, refusedAt: number[]) {
  const email = (n: number) => (refusedAt.includes(n) ? `p${n}-refused@example.com` : `p${n}@example.com`)
  const sim = new DripSimulator({
    refusedEmails: refusedAt.map(email),
    limits: { single: 1e9, batch: 1e9 },
    keepRequests: 10 * size
  })
  const unroute = routeDripTo(await sim.start())
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
    unroute()
    await sim.stop()
  }
}

/**
 * Chaos reports as one table, a row per fault rate and way: what docs/performance.md shows. "Refused, failed alone":
 * refused records told Drip's refusal and not held by Drip, of all refused; "good failed otherwise": good events that
 * ended in a failure Segment does not retry (refused for another's sake, say).
 */
export function chaosTable(reports: ChaosReport[]): string[] {
  const number = (n: number) => n.toLocaleString('en-US')
  const header = [
    'faults',
    'way',
    'events',
    'good delivered',
    'good exhausted (5 attempts)',
    'refused, failed alone',
    'good failed otherwise',
    'lost',
    'batch requests',
    'single requests',
    'of them in-call retries'
  ]
  const rows = reports.flatMap((report) =>
    WAYS.flatMap((way) => {
      const r = report[way]
      if (!r) return []
      return [
        [
          `${Math.round(report.rate * 100)}%`,
          way,
          number(r.events),
          number(r.delivered),
          number(r.exhausted),
          `${number(r.refused - r.refusedMisreported.length)}/${number(r.refused)}`,
          number(r.goodFailed.length - r.exhausted),
          number(r.lost.length),
          number(r.batchRequests),
          number(r.singleRequests),
          number(r.inCallRetries)
        ]
      ]
    })
  )
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`
  return [
    line(header),
    `| ${widths.map((w, i) => (i < 2 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
    ...rows.map(line)
  ]
}

// From the command line: a chaos run at each rate, printed as one table, then what failed the events out of attempts.
if (require.main === module) {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: String(BENCH_CHAOS.perKind) },
      'refused-every': { type: 'string', default: String(BENCH_CHAOS.refusedEvery) },
      rates: { type: 'string', default: BENCH_CHAOS.rates.join(',') },
      'batch-size': { type: 'string', default: String(BENCH_CHAOS.batchSize) },
      seed: { type: 'string', default: BENCH_CHAOS.seed },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    console.log(
      'node -r ts-node/register/transpile-only tools/bench/chaos.ts [--events N per action (6667)] ' +
        '[--refused-every N (167: 0.6%)] [--rates R,R,... (0,0.1,0.3)] [--batch-size N (500)] [--seed S (bench)]'
    )
    process.exit(0)
  }
  const perKind = Number(values.events)
  const refusedEvery = Number(values['refused-every'])
  const batchSize = Number(values['batch-size'])
  const rates = values.rates.split(',').map(Number)
  const seed = values.seed
  const runAll = async () => {
    const reports: ChaosReport[] = []
    for (const rate of rates)
      reports.push(await chaosRun({ batched: perKind, alone: perKind, refusedEvery, rate, batchSize, seed }))
    return reports
  }
  runAll()
    .then((reports) => {
      console.log(
        `chaos: ${(perKind * 3).toLocaleString('en-US')} events (identify, track, orders: ${perKind} each), the same ` +
          `through onBatch (batches of ${batchSize}) and onEvent; 1 person in ${refusedEvery} refused by Drip; ` +
          `${rates.map((rate) => `${rate * 100}%`).join(', ')} of requests failing (seed ${seed}, the same faults ` +
          `for both ways); Segment's ${SEGMENT_ATTEMPTS} attempts`
      )
      for (const line of chaosTable(reports)) console.log(line)
      for (const report of reports) {
        for (const way of WAYS) {
          const r = report[way]!
          const byAttempt = [1, 2, 3, 4, 5].map((n) => r.attempts[n] ?? 0).join('/')
          console.log(`${report.rate * 100}% ${way}: good delivered by attempt 1/2/3/4/5 ${byAttempt}`)
          if (r.exhausted === 0) continue
          console.log(
            `  ${r.exhausted} good events out of attempts (${r.exhaustedAfterSplit} of them batched with a refused ` +
              `record at least once); what failed each of their ${r.exhausted * SEGMENT_ATTEMPTS} attempts:`
          )
          for (const [why, n] of Object.entries(r.exhaustedBy).sort((a, b) => b[1] - a[1]))
            console.log(`    ${n}  ${why}`)
        }
      }
    })
    .catch((error) => {
      console.error(`chaos: ${(error as Error).stack ?? error}`)
      process.exit(1)
    })
}
