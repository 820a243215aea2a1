import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { validate, parseFql } from '@segment/destination-subscriptions'
import type { Settings } from '../../src/generated-types'
import { instrument, type Exchange, type Instrumented } from '../instrument'
import { fqlProblem, inAdminWords, UsageError, type DripSubscription } from '../subscriptions'
import type { InputItem } from './input'

// Replays Segment events through the destination exactly as Segment's cloud runtime calls it: new Destination(...),
// settings with subscriptions, onEvent one at a time or onBatch per subscription in groups of the batch size.

/**
 * `deferred`: not delivered because Drip's hourly budget was spent; a later run (from the checkpoint) sends it.
 * `held`: not sent, so that Drip does not create a person their own history does not (see RunItem.held).
 */
export type Outcome = 'delivered' | 'rejected' | 'failed' | 'deferred' | 'skipped' | 'held' | 'unparsable'

/**
 * An input item as the runner takes it: what the reader read, and what the order of the replay says about it (see
 * consent.ts). `ahead`: this is a person's first identify, sent ahead of their events (its rank among them); only the
 * Identify subscriptions take it. `sentAhead`: it went ahead already, so the Identify subscriptions leave it out here.
 * `held`: not sent in any subscription, for this reason; `heldForNow`: until something else is delivered (a later hour
 * of the run tries it again), not for good.
 */
export type RunItem = InputItem & { ahead?: number; sentAhead?: boolean; held?: string; heldForNow?: boolean }

/** What became of one input event in one subscription (or of an input item that is not an event). */
export interface EventResult {
  /** The input file it came from, when the input is a folder (or named). */
  file?: string
  /** The item's place in the input, 1-based: the Nth line of NDJSON, the Nth element of a JSON array. */
  position: number
  /** The line it starts on. */
  line: number
  type?: string
  /** The track event's name, or the page's name. */
  name?: string
  /** The action slug that handled it; absent when no subscription matched. */
  action?: string
  /** `METHOD path` of the Drip request(s) that carried it. */
  request?: string
  status?: number
  outcome: Outcome
  message?: string
  /** Values the destination left out of what it sent, and why. */
  notes?: string[]
  /** What Drip said is left of this hour's budget for the kind of request that carried it (X-RateLimit-Remaining). */
  budgetLeft?: { kind: 'single' | 'batch'; remaining: number }
  /** A person's first identify, sent ahead of their events: its rank among those (see RunItem). */
  ahead?: number
}

export interface RunOptions {
  definition: DestinationDefinition<Settings>
  settings: Settings
  subscriptions: DripSubscription[]
  /** onBatch per subscription for actions that can batch, instead of onEvent. */
  batch?: boolean
  /** Events per onBatch call (default: the mapping's batch_size, else 1,000). */
  batchSize?: number
  /** Called with every result as soon as it is known. */
  onResult: (result: EventResult) => void
  /** Called when an input file breaks partway (see IncompleteFile); the run goes on with the next file. */
  onIncomplete?: (incomplete: IncompleteFile) => void
  /**
   * Called once per input item when all its results are known: whether Drip took it in every subscription, and
   * whether its outcome is final (none failed or was deferred: sending it again would end the same way).
   */
  onSettled?: (item: ItemRef & { delivered: boolean; final: boolean }) => void
  /**
   * Whether an earlier run saw Drip take this item in this subscription (`subscription` is Matcher.key): it is not
   * sent there again. An item taken in all its subscriptions is best left out of the input altogether.
   */
  takenBefore?: (item: ItemRef, subscription: string) => boolean
  /** Whether this item ended for good in this subscription earlier in this run (see onFinal): not sent again. */
  settledBefore?: (item: ItemRef, subscription: string) => boolean
  /** Called as soon as Drip took an item in one subscription (a 2xx for it). */
  onTaken?: (item: ItemRef, subscription: string) => void
  /** Called with each result whose outcome is final, in one subscription (see onSettled). */
  onFinal?: (item: ItemRef, subscription: string) => void
  /** Called after each call of the destination (onEvent, or onBatch for a batch), once all its results are reported. */
  afterCall?: () => void
}

/** An input item: the file it came from and its place there (and, for a first identify sent ahead, its rank). */
export type ItemRef = Pick<EventResult, 'file' | 'position' | 'ahead'>

export interface RunSummary {
  eventsRead: number
  unparsable: number
  delivered: number
  rejected: number
  failed: number
  deferred: number
  skipped: number
  /** Held back: see Outcome; `heldForNow` of them until something else is delivered (see RunItem). */
  held: number
  heldForNow: number
  /** First identifies Drip took ahead of their people's other calls (see RunItem). */
  sentAhead: number
  /** Rejection and failure messages with how often each occurred; `failures`: those of failures alone. */
  reasons: Record<string, number>
  failures: Record<string, number>
  /** Notes on values left out of delivered events, with how often each occurred. */
  notes: Record<string, number>
  /** Requests that left for Drip, and how many of them got no answer (Drip unreachable, cut off, timed out). */
  requests: number
  unanswered: number
  requestsByEndpoint: Record<string, number>
  /** Set when a signal stopped the run before the input was read to its end. */
  interrupted?: string
  /** Input files that could not be read to their end. */
  incomplete: IncompleteFile[]
}

/**
 * An input file that broke partway: cut short or damaged gzip, a read error, bytes that are not UTF-8. What came
 * before the break was read and sent; nothing after it could be.
 */
export interface IncompleteFile {
  /** The file's name in results and the checkpoint. */
  file?: string
  /** Where it is, as the runner was given it ("stdin" for -). */
  path: string
  /** The line reading stopped in. */
  line: number
  /** The byte it broke at, in the file; with `unzipped`, in its text after gunzip. */
  byte: number
  unzipped?: boolean
  /** What went wrong, in words that follow the file's path. */
  reason: string
  /** What to do about it. */
  hint?: string
  /** How many items of the file were read before the break. */
  itemsBefore: number
}

interface Pending {
  file?: string
  position: number
  line: number
  ahead?: number
  event: SegmentEvent
}

interface Matcher {
  /** Names the subscription in the checkpoint: its place in the list, and its action. */
  key: string
  subscription: DripSubscription
  matches: (event: SegmentEvent) => boolean
  batched: boolean
  batchSize: number
  pending: Pending[]
  /** Who the pending events are about (see personKeys). */
  people: Set<string>
  /** Counts the batches sent, so a wait on another matcher's batch names which one. */
  generation: number
  /** The batches (matcher → its generation) that hold earlier events of a person in this pending batch. */
  after: Map<Matcher, number>
}

export class Runner {
  readonly summary: RunSummary = {
    eventsRead: 0,
    unparsable: 0,
    delivered: 0,
    rejected: 0,
    failed: 0,
    deferred: 0,
    skipped: 0,
    held: 0,
    heldForNow: 0,
    sentAhead: 0,
    reasons: {},
    failures: {},
    notes: {},
    requests: 0,
    unanswered: 0,
    requestsByEndpoint: {},
    incomplete: []
  }
  private readonly destination: Destination<Settings>
  private readonly watcher: Instrumented<Settings>
  private readonly matchers: Matcher[]
  /** Input items with results still to come: how many, whether all so far were deliveries, and were final. */
  private readonly unsettled = new Map<string, ItemRef & { left: number; delivered: boolean; final: boolean }>()

  constructor(private readonly options: RunOptions) {
    this.watcher = instrument(options.definition)
    this.destination = new Destination(this.watcher.definition)
    this.matchers = options.subscriptions.map((subscription, index) => {
      const matches = triggerOf(subscription)
      const action = options.definition.actions[subscription.partnerAction]
      if (!action) throw new UsageError(`subscription names an unknown action "${subscription.partnerAction}"`)
      const batched = Boolean(options.batch && action.performBatch)
      const mappedSize = Number(subscription.mapping.batch_size)
      return {
        key: `${index}:${subscription.partnerAction}`,
        subscription: batched
          ? { ...subscription, mapping: { ...subscription.mapping, enable_batching: true } }
          : subscription,
        matches,
        batched,
        batchSize: options.batchSize ?? (mappedSize > 0 ? mappedSize : 1000),
        pending: [],
        people: new Set<string>(),
        generation: 0,
        after: new Map<Matcher, number>()
      }
    })
  }

  /** Sends one input item (or queues it for its batch). */
  async push(item: RunItem): Promise<void> {
    const where = {
      ...(item.file ? { file: item.file } : {}),
      position: item.position,
      line: item.line,
      ...(item.ahead !== undefined ? { ahead: item.ahead } : {})
    }
    if (item.broken) {
      const incomplete = incompleteOf(item)
      this.summary.incomplete.push(incomplete)
      this.options.onIncomplete?.(incomplete)
      return
    }
    if (!item.event) {
      this.summary.unparsable++
      this.report({ ...where, outcome: 'unparsable', message: item.error })
      return
    }
    // A first identify sent ahead is read again where it stands: it counts there.
    if (item.ahead === undefined) this.summary.eventsRead++
    const event = item.event
    const turnedOff = turnedOffBy(event, this.options.definition.name)
    if (turnedOff) {
      this.report({ ...describe(where, event), outcome: 'skipped', message: turnedOff })
      return
    }
    // A first identify sent ahead goes to the Identify subscriptions only, which leave it out where it stands.
    const identifying = (m: Matcher) => m.subscription.partnerAction === IDENTIFY
    const subscribed = this.matchers.filter(
      (m) => m.matches(event) && (item.ahead === undefined || identifying(m)) && !(item.sentAhead && identifying(m))
    )
    if (subscribed.length === 0) {
      // Nothing left to send here: done, unless its identify ahead was not delivered (`held`), so that it is sent again.
      if (item.sentAhead) {
        this.options.onSettled?.({ ...itemRef(where), delivered: !item.held, final: !item.heldForNow })
      } else
        this.report({ ...describe(where, event), outcome: 'skipped', message: 'no mapping subscribes to this event' })
      return
    }
    // Where an earlier run saw Drip take it, or this one saw it end for good, it does not go again.
    const ref = itemRef(where)
    const taken = (m: Matcher) => Boolean(this.options.takenBefore?.(ref, m.key))
    const matched = subscribed.filter((m) => !taken(m) && !this.options.settledBefore?.(ref, m.key))
    const delivered = subscribed.filter((m) => !matched.includes(m)).every(taken)
    if (matched.length === 0) {
      this.options.onSettled?.({ ...ref, delivered, final: true })
      return
    }
    this.unsettled.set(itemKey(where), { ...ref, left: matched.length, delivered, final: true })
    if (item.held) {
      const held = matched.map((m) => ({
        ...describe(where, event),
        action: m.subscription.partnerAction,
        outcome: 'held' as const,
        message: item.held
      }))
      if (item.heldForNow) this.summary.heldForNow += held.length
      held.forEach((result, i) => this.report(result, matched[i], !item.heldForNow))
      return
    }
    // Drip must see each person's events in the order of the input: an identify sent after that person's track
    // would meet a person the track already created, and its initial status would not apply. So a batch holding
    // this person's earlier events goes first: at once for an event sent alone, or before this event's own batch.
    const people = personKeys(event)
    const earlier = () => this.matchers.filter((m) => m.pending.length > 0 && people.some((p) => m.people.has(p)))
    if (matched.some((m) => !m.batched)) for (const matcher of earlier()) await this.flush(matcher)
    for (const matcher of matched.filter((m) => !m.batched)) await this.sendSingle(where, event, matcher)
    for (const matcher of matched.filter((m) => m.batched)) {
      for (const other of earlier()) {
        if (other === matcher) continue
        // Its batch already waits for this one: this event cannot join it, so this batch goes now.
        if (this.waitsFor(other, matcher)) await this.flush(matcher)
        if (other.pending.length > 0) matcher.after.set(other, other.generation)
      }
      matcher.pending.push({ ...where, event })
      for (const person of people) matcher.people.add(person)
      if (matcher.pending.length >= matcher.batchSize) await this.flush(matcher)
    }
  }

  /** Whether `matcher`'s pending batch must wait, directly or not, for `target`'s pending batch. */
  private waitsFor(matcher: Matcher, target: Matcher, seen = new Set<Matcher>()): boolean {
    if (target.pending.length === 0 || seen.has(matcher)) return false
    seen.add(matcher)
    for (const [other, generation] of matcher.after) {
      if (other.generation !== generation || other.pending.length === 0) continue
      if (other === target || this.waitsFor(other, target, seen)) return true
    }
    return false
  }

  /** Sends what is still queued. */
  async finish(): Promise<RunSummary> {
    for (const matcher of this.matchers) if (matcher.pending.length > 0) await this.flush(matcher)
    return this.summary
  }

  /**
   * Replays every item; when `signal` aborts, stops reading, sends what was read and reports it. Stopped because
   * Drip's hourly budget is spent (reason BUDGET), what was read but not sent is deferred instead: it would only meet
   * refusals.
   */
  async run(items: AsyncIterable<RunItem>, signal?: AbortSignal): Promise<RunSummary> {
    const iterator = items[Symbol.asyncIterator]()
    let waiting: Promise<IteratorResult<RunItem>> | undefined
    for (;;) {
      if (signal?.aborted) break
      const next = iterator.next()
      const first = await readOrAbort(next, signal)
      if (first === 'aborted' || signal?.aborted) {
        waiting = next
        break
      }
      if (first.done) break
      await this.push(first.value)
    }
    if (signal?.aborted) {
      this.summary.interrupted = String(signal.reason ?? 'interrupted')
      // Lets go of the input (closes its file), once a read still under way ends: that is not waited for.
      const release = () => void iterator.return?.()?.catch(() => undefined)
      if (waiting) void waiting.then(release, release)
      else release()
    }
    if (this.summary.interrupted === 'BUDGET') return this.defer()
    return this.finish()
  }

  /** Reports what is still queued as deferred, unsent. */
  private defer(): RunSummary {
    for (const matcher of this.matchers) {
      const action = matcher.subscription.partnerAction
      for (const pending of matcher.pending) {
        const message = "not sent: Drip's hourly budget is spent; the next run sends it"
        this.report({ ...describe(pending, pending.event), action, outcome: 'deferred', message })
      }
      matcher.pending = []
      matcher.people.clear()
    }
    return this.summary
  }

  private settingsFor(matcher: Matcher): JSONObject {
    return { ...this.options.settings, subscriptions: [matcher.subscription] } as unknown as JSONObject
  }

  private async sendSingle(where: Pick<EventResult, 'position' | 'line'>, event: SegmentEvent, matcher: Matcher) {
    const { value, error, exchanges } = await this.capture(() =>
      this.destination.onEvent(event, this.settingsFor(matcher))
    )
    const action = matcher.subscription.partnerAction
    const last = exchanges[exchanges.length - 1]
    const base = { ...describe(where, event), action, request: requestLine(exchanges), status: last?.response?.status }
    const failure = error as (Error & { status?: number }) | undefined
    const executed = value?.find((r) => r.output === 'Action Executed') as
      { data?: { sent?: object; notes?: string[]; rate_limit_remaining?: number } } | undefined
    const data = executed?.data
    if (failure) {
      this.report(
        {
          ...base,
          status: failure.status ?? last?.response?.status,
          outcome: exchanges.length > 0 ? 'failed' : 'rejected',
          message: failure.message
        },
        matcher
      )
    } else if (nothingSent(data)) {
      this.report({ ...base, status: undefined, outcome: 'skipped', message: data?.notes?.[0] }, matcher)
    } else {
      const budget = budgetOf(exchanges, data?.rate_limit_remaining)
      this.report({ ...base, outcome: 'delivered', notes: data?.notes, ...budget }, matcher)
    }
    this.options.afterCall?.()
  }

  /** Sends a matcher's pending batch, after the batches it waits for. */
  private async flush(matcher: Matcher): Promise<void> {
    const before = [...matcher.after].filter(([other, generation]) => other.generation === generation)
    matcher.after.clear()
    for (const [other] of before) if (other.pending.length > 0) await this.flush(other)
    const batch = matcher.pending
    matcher.pending = []
    matcher.people.clear()
    matcher.generation++
    if (batch.length === 0) return
    const action = matcher.subscription.partnerAction
    const { value, error, exchanges } = await this.capture(() =>
      this.destination.onBatch(
        batch.map((b) => b.event),
        this.settingsFor(matcher)
      )
    )
    const results = (value ?? []) as Array<{ multistatus?: Array<Record<string, unknown>> }>
    const multistatus = results.find((r) => r.multistatus)?.multistatus ?? []
    const thrown = error as (Error & { status?: number }) | undefined
    // Collected, then reported together: what Drip took is all recorded before any of it is shown.
    const reported: EventResult[] = []
    const report = (result: EventResult) => reported.push(result)
    batch.forEach((pending, index) => {
      const base = { ...describe(pending, pending.event), action, request: requestLine(exchanges) }
      const result = multistatus[index]
      if (thrown || !result) {
        report({
          ...base,
          status: thrown?.status,
          outcome: exchanges.length > 0 ? 'failed' : 'rejected',
          message: thrown?.message ?? 'the runtime returned no result for this event'
        })
        return
      }
      const status = Number(result.status)
      if (status < 300) {
        const body = result.body as { notes?: string[]; rate_limit_remaining?: number } | undefined
        if (nothingSent({ sent: result.sent as object, notes: body?.notes })) {
          report({ ...base, request: undefined, outcome: 'skipped', message: body?.notes?.[0] })
          return
        }
        report({
          ...base,
          status,
          outcome: 'delivered',
          notes: body?.notes,
          ...budgetOf(exchanges, body?.rate_limit_remaining)
        })
        return
      }
      // actions-core says who refused it: Drip (the record was sent) or the integration (it never left).
      const atDrip = result.errorreporter === 'DESTINATION'
      report({
        ...base,
        request: atDrip ? base.request : undefined,
        status,
        outcome: atDrip ? 'failed' : 'rejected',
        message: String(result.errormessage ?? 'unknown error')
      })
    })
    this.reportAll(reported, matcher)
    this.options.afterCall?.()
  }

  /**
   * Runs one call and takes its exchanges. actions-core's Destination also keeps every response it ever saw (for its
   * local server); a long replay would hold them all, so they are let go here.
   */
  private async capture<T>(work: () => Promise<T>) {
    const captured = await this.watcher.capture(work)
    this.destination.responses.length = 0
    for (const exchange of captured.exchanges) {
      this.summary.requests++
      if (!exchange.response) this.summary.unanswered++
      const endpoint = endpointOf(exchange)
      this.summary.requestsByEndpoint[endpoint] = (this.summary.requestsByEndpoint[endpoint] ?? 0) + 1
    }
    return captured
  }

  /** Reports a result; `matcher`: the subscription it is a result of. */
  private report(reported: EventResult, matcher?: Matcher, final?: boolean): void {
    this.reportAll([reported], matcher, final)
  }

  /**
   * Reports the results of one call. What Drip took is recorded (onTaken) before anything is shown (onResult), so
   * nothing that goes wrong in showing it (an output that cannot be written) can leave a delivery unrecorded.
   */
  private reportAll(reported: EventResult[], matcher?: Matcher, final?: boolean): void {
    const ended = (result: EventResult) => final ?? isFinal(result.outcome)
    const results = reported.map((result) => this.inWords(result))
    if (matcher) {
      for (const result of results) {
        if (result.outcome === 'delivered') this.options.onTaken?.(itemRef(result), matcher.key)
        if (ended(result)) this.options.onFinal?.(itemRef(result), matcher.key)
      }
    }
    for (const result of results) {
      if (result.outcome !== 'unparsable') this.summary[result.outcome]++
      if (result.outcome === 'delivered' && result.ahead !== undefined) this.summary.sentAhead++
      if ((result.outcome === 'rejected' || result.outcome === 'failed') && result.message) {
        this.summary.reasons[result.message] = (this.summary.reasons[result.message] ?? 0) + 1
      }
      if (result.outcome === 'failed' && result.message) {
        this.summary.failures[result.message] = (this.summary.failures[result.message] ?? 0) + 1
      }
      for (const note of result.notes ?? []) this.summary.notes[note] = (this.summary.notes[note] ?? 0) + 1
      this.options.onResult(result)
      this.settle(result, ended(result))
    }
  }

  /** A result as it is reported. */
  private inWords(reported: EventResult): EventResult {
    // Drip's hourly limit refuses nothing for good: the event waits for the next run.
    const result: EventResult = isHourlyLimit(reported) ? { ...reported, outcome: 'deferred' } : { ...reported }
    // The runtime names an empty required field by its key: said here by its label, with where the default looked.
    if (result.outcome === 'rejected' && result.action && result.message) {
      result.message = inAdminWords(this.options.definition, result.action, result.message)
    }
    if (!result.notes?.length) delete result.notes
    return result
  }

  /** Counts a result towards its input item; the item is settled once every subscription that took it answered. */
  private settle(result: EventResult, final: boolean): void {
    const key = itemKey(result)
    const item = this.unsettled.get(key) ?? { ...itemRef(result), left: 1, delivered: true, final: true }
    item.left--
    item.delivered &&= result.outcome === 'delivered'
    item.final &&= final
    if (item.left > 0) {
      this.unsettled.set(key, item)
      return
    }
    this.unsettled.delete(key)
    this.options.onSettled?.({ ...itemRef(result), delivered: item.delivered, final: item.final })
  }
}

/** An input item that says where its file broke, as the file it is about. */
export function incompleteOf(item: InputItem): IncompleteFile {
  const { path, reason, byte, inText, gzip, hint } = item.broken!
  return {
    ...(item.file ? { file: item.file } : {}),
    path: path ?? item.file ?? 'the input',
    line: item.line,
    byte,
    ...(inText && gzip ? { unzipped: true } : {}),
    reason,
    ...(hint ? { hint } : {}),
    itemsBefore: item.position - 1
  }
}

/**
 * Why Segment would not send this event to the destination, as its `integrations` object says: the destination
 * turned off by name, or everything turned off (`All: false`) without the destination turned back on.
 */
export function turnedOffBy(event: SegmentEvent, destination: string): string | undefined {
  const integrations = event.integrations as Record<string, unknown> | undefined
  if (!integrations || typeof integrations !== 'object') return undefined
  const own = integrations[destination]
  if (own === false) return `integrations turns off "${destination}"`
  if (integrations.All === false && (own === undefined || own === null))
    return 'integrations turns off All destinations'
  return undefined
}

/** The ways an event names its person, for keeping each person's events in order: user id, anonymous id, emails. */
function personKeys(event: SegmentEvent): string[] {
  const keys: string[] = []
  if (event.userId) keys.push(`user:${event.userId}`)
  if (event.anonymousId) keys.push(`anon:${event.anonymousId}`)
  const emails = [
    (event.traits as { email?: unknown } | undefined)?.email,
    (event.properties as { email?: unknown } | undefined)?.email,
    (event.context?.traits as { email?: unknown } | undefined)?.email
  ]
  for (const email of emails)
    if (typeof email === 'string' && email.trim()) keys.push(`email:${email.trim().toLowerCase()}`)
  return keys
}

function describe(
  where: Pick<EventResult, 'file' | 'position' | 'line' | 'ahead'>,
  event: SegmentEvent
): Pick<EventResult, 'file' | 'position' | 'line' | 'type' | 'name' | 'ahead'> {
  const name =
    event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : undefined
  const file = where.file ? { file: where.file } : {}
  const ahead = where.ahead !== undefined ? { ahead: where.ahead } : {}
  return { ...file, position: where.position, line: where.line, type: event.type, ...(name ? { name } : {}), ...ahead }
}

/** The action that makes people in Drip with the status their own traits give. */
export const IDENTIFY = 'identify'

/** A subscription's trigger as Segment evaluates it; a UsageError when it is not one. */
export function triggerOf(subscription: DripSubscription): (event: SegmentEvent) => boolean {
  const problem = fqlProblem(subscription.subscribe)
  if (problem) throw new UsageError(`subscription "${subscription.subscribe}" is not a valid trigger: ${problem}`)
  const fql = parseFql(subscription.subscribe)
  return (event) => validate(fql as never, event)
}

/** An outcome that sending the item again in the same run would only repeat. */
const isFinal = (outcome: Outcome) => outcome !== 'failed' && outcome !== 'deferred'

/**
 * A success that sent nothing: the destination answers so for a warehouse row its sync mode does not act on (an
 * empty `sent`, and a note saying why). Shown as skipped, not delivered.
 */
function nothingSent(data: { sent?: object; notes?: string[] } | undefined): boolean {
  return data?.sent !== undefined && Object.keys(data.sent).length === 0 && (data.notes?.length ?? 0) > 0
}

const itemKey = (where: ItemRef) =>
  `${where.ahead !== undefined ? `ahead ${where.ahead} ` : ''}${where.file ?? ''}#${where.position}`
const itemRef = (where: ItemRef): ItemRef => ({
  ...(where.file ? { file: where.file } : {}),
  position: where.position,
  ...(where.ahead !== undefined ? { ahead: where.ahead } : {})
})

/** Drip's hourly rate limit (not its "same person" 429, which a retry soon clears). */
const isHourlyLimit = (result: EventResult) =>
  result.status === 429 && /^Drip's hourly rate limit/.test(result.message ?? '')

/** The budget Drip says is left, for the kind of request that carried the event. */
function budgetOf(exchanges: Exchange[], remaining: number | undefined): Pick<EventResult, 'budgetLeft'> {
  const last = exchanges[exchanges.length - 1]
  if (remaining === undefined || !last) return {}
  const kind = /\/batch(es)?$/.test(new URL(last.request.url).pathname) ? 'batch' : 'single'
  return { budgetLeft: { kind, remaining } }
}

/** Which endpoint an exchange went to, emails, tags and ids in the path shown as Drip's docs name them. */
function endpointOf(exchange: Exchange): string {
  const names: Record<string, string> = {
    subscribers: ':id_or_email',
    tags: ':tag',
    campaigns: ':campaign_id',
    workflows: ':workflow_id'
  }
  const parts = new URL(exchange.request.url).pathname.split('/')
  const shown = parts.map((part, i) =>
    i > 3 && names[parts[i - 1]] && part !== 'batches' ? names[parts[i - 1]] : part
  )
  return `${exchange.request.method} ${shown.join('/')}`
}

function requestLine(exchanges: Exchange[]): string | undefined {
  const lines = [...new Set(exchanges.map((x) => `${x.request.method} ${new URL(x.request.url).pathname}`))]
  return lines.length > 0 ? lines.join(', ') : undefined
}

/**
 * The next read, or 'aborted' once `signal` aborts: a signal also ends a wait for input (stdin with nothing more to
 * say yet). The listener is removed as the read ends, so a long run keeps nothing per item; a race against one
 * promise that stays pending for the whole run would keep a reaction for every item read.
 */
function readOrAbort<T>(next: Promise<T>, signal?: AbortSignal): Promise<T | 'aborted'> {
  if (!signal) return next
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve('aborted')
    signal.addEventListener('abort', onAbort, { once: true })
    next.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}
