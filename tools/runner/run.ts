import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { validate, parseFql } from '@segment/destination-subscriptions'
import type { Settings } from '../../src/generated-types'
import { instrument, type Exchange, type Instrumented } from '../instrument'
import { fqlProblem, UsageError, type DripSubscription } from '../subscriptions'
import type { InputItem } from './input'

// Replays Segment events through the destination exactly as Segment's cloud runtime calls it: new Destination(...),
// settings with subscriptions, onEvent one at a time or onBatch per subscription in groups of the batch size.

export type Outcome = 'delivered' | 'rejected' | 'failed' | 'skipped' | 'unparsable'

/** What became of one input event in one subscription (or of an input item that is not an event). */
export interface EventResult {
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
}

export interface RunSummary {
  eventsRead: number
  unparsable: number
  delivered: number
  rejected: number
  failed: number
  skipped: number
  /** Rejection and failure messages with how often each occurred. */
  reasons: Record<string, number>
  /** Notes on values left out of delivered events, with how often each occurred. */
  notes: Record<string, number>
  requests: number
  requestsByEndpoint: Record<string, number>
  /** Set when a signal stopped the run before the input was read to its end. */
  interrupted?: string
}

interface Pending {
  position: number
  line: number
  event: SegmentEvent
}

interface Matcher {
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
    skipped: 0,
    reasons: {},
    notes: {},
    requests: 0,
    requestsByEndpoint: {}
  }
  private readonly destination: Destination<Settings>
  private readonly watcher: Instrumented<Settings>
  private readonly matchers: Matcher[]

  constructor(private readonly options: RunOptions) {
    this.watcher = instrument(options.definition)
    this.destination = new Destination(this.watcher.definition)
    this.matchers = options.subscriptions.map((subscription) => {
      const problem = fqlProblem(subscription.subscribe)
      if (problem) throw new UsageError(`subscription "${subscription.subscribe}" is not a valid trigger: ${problem}`)
      const fql = parseFql(subscription.subscribe)
      const action = options.definition.actions[subscription.partnerAction]
      if (!action) throw new UsageError(`subscription names an unknown action "${subscription.partnerAction}"`)
      const batched = Boolean(options.batch && action.performBatch)
      const mappedSize = Number(subscription.mapping.batch_size)
      return {
        subscription: batched
          ? { ...subscription, mapping: { ...subscription.mapping, enable_batching: true } }
          : subscription,
        matches: (event: SegmentEvent) => validate(fql as never, event),
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
  async push(item: InputItem): Promise<void> {
    const where = { position: item.position, line: item.line }
    if (!item.event) {
      this.summary.unparsable++
      this.report({ ...where, outcome: 'unparsable', message: item.error })
      return
    }
    this.summary.eventsRead++
    const event = item.event
    const turnedOff = turnedOffBy(event, this.options.definition.name)
    if (turnedOff) {
      this.report({ ...describe(where, event), outcome: 'skipped', message: turnedOff })
      return
    }
    const matched = this.matchers.filter((m) => m.matches(event))
    if (matched.length === 0) {
      this.report({ ...describe(where, event), outcome: 'skipped', message: 'no mapping subscribes to this event' })
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

  /** Replays every item; when `signal` aborts, stops reading, sends what was read and reports it. */
  async run(items: AsyncIterable<InputItem>, signal?: AbortSignal): Promise<RunSummary> {
    for await (const item of items) {
      if (signal?.aborted) break
      await this.push(item)
    }
    if (signal?.aborted) this.summary.interrupted = String(signal.reason ?? 'interrupted')
    return this.finish()
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
    if (!error) {
      const executed = value?.find((r) => r.output === 'Action Executed') as { data?: { notes?: string[] } } | undefined
      this.report({ ...base, outcome: 'delivered', notes: executed?.data?.notes })
      return
    }
    const failure = error as Error & { status?: number }
    this.report({
      ...base,
      status: failure.status ?? last?.response?.status,
      outcome: exchanges.length > 0 ? 'failed' : 'rejected',
      message: failure.message
    })
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
    batch.forEach((pending, index) => {
      const base = { ...describe(pending, pending.event), action, request: requestLine(exchanges) }
      const result = multistatus[index]
      if (thrown || !result) {
        this.report({
          ...base,
          status: thrown?.status,
          outcome: exchanges.length > 0 ? 'failed' : 'rejected',
          message: thrown?.message ?? 'the runtime returned no result for this event'
        })
        return
      }
      const status = Number(result.status)
      if (status < 300) {
        const notes = (result.body as { notes?: string[] } | undefined)?.notes
        this.report({ ...base, status, outcome: 'delivered', notes })
        return
      }
      // actions-core says who refused it: Drip (the record was sent) or the integration (it never left).
      const atDrip = result.errorreporter === 'DESTINATION'
      this.report({
        ...base,
        request: atDrip ? base.request : undefined,
        status,
        outcome: atDrip ? 'failed' : 'rejected',
        message: String(result.errormessage ?? 'unknown error')
      })
    })
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
      const endpoint = endpointOf(exchange)
      this.summary.requestsByEndpoint[endpoint] = (this.summary.requestsByEndpoint[endpoint] ?? 0) + 1
    }
    return captured
  }

  private report(result: EventResult): void {
    if (result.outcome !== 'unparsable') this.summary[result.outcome]++
    if ((result.outcome === 'rejected' || result.outcome === 'failed') && result.message) {
      this.summary.reasons[result.message] = (this.summary.reasons[result.message] ?? 0) + 1
    }
    for (const note of result.notes ?? []) this.summary.notes[note] = (this.summary.notes[note] ?? 0) + 1
    if (!result.notes?.length) delete result.notes
    this.options.onResult(result)
  }
}

/**
 * Why Segment would not send this event to the destination, as its `integrations` object says: the destination
 * turned off by name, or everything turned off (`All: false`) without the destination turned back on.
 */
function turnedOffBy(event: SegmentEvent, destination: string): string | undefined {
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
  where: Pick<EventResult, 'position' | 'line'>,
  event: SegmentEvent
): Pick<EventResult, 'position' | 'line' | 'type' | 'name'> {
  const name =
    event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : undefined
  return { position: where.position, line: where.line, type: event.type, ...(name ? { name } : {}) }
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
