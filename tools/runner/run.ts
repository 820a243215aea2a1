import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import type { Settings } from '../../src/generated-types'
import { instrument, type Exchange } from '../instrument'
import type { DripSubscription } from '../subscriptions'
import type { InputItem } from './input'

// Replays Segment events through the destination exactly as Segment's cloud runtime calls it: new Destination(...),
// settings with subscriptions, onEvent one at a time or onBatch per subscription in groups of the batch size.

export type Outcome = 'delivered' | 'rejected' | 'failed' | 'skipped' | 'unparsable'

/** What became of one input event in one subscription (or of an input line that is not an event). */
export interface EventResult {
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
  requests: number
  requestsByEndpoint: Record<string, number>
}

interface Matcher {
  subscription: DripSubscription
  matches: (event: SegmentEvent) => boolean
  batched: boolean
  batchSize: number
  pending: Array<{ line: number; event: SegmentEvent }>
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
    requests: 0,
    requestsByEndpoint: {}
  }
  private readonly destination: Destination<Settings>
  private readonly watcher: ReturnType<typeof instrument<Settings>>
  private readonly matchers: Matcher[]

  constructor(private readonly options: RunOptions) {
    this.watcher = instrument(options.definition)
    this.destination = new Destination(this.watcher.definition)
    this.matchers = options.subscriptions.map((subscription) => {
      const fql = parseFql(subscription.subscribe)
      if ('error' in fql)
        throw new Error(`subscription "${subscription.subscribe}" is not valid FQL: ${fql.error.message}`)
      const action = options.definition.actions[subscription.partnerAction]
      if (!action) throw new Error(`subscription names an unknown action "${subscription.partnerAction}"`)
      const batched = Boolean(options.batch && action.performBatch)
      const mappedSize = Number(subscription.mapping.batch_size)
      return {
        subscription: batched
          ? { ...subscription, mapping: { ...subscription.mapping, enable_batching: true } }
          : subscription,
        matches: (event: SegmentEvent) => validate(fql, event),
        batched,
        batchSize: options.batchSize ?? (mappedSize > 0 ? mappedSize : 1000),
        pending: []
      }
    })
  }

  /** Sends one input item (or queues it for its batch). */
  async push(item: InputItem): Promise<void> {
    if (!item.event) {
      this.summary.unparsable++
      this.report({ line: item.line, outcome: 'unparsable', message: item.error })
      return
    }
    this.summary.eventsRead++
    const event = item.event
    const matched = this.matchers.filter((m) => m.matches(event))
    if (matched.length === 0) {
      this.report({ ...describe(item.line, event), outcome: 'skipped', message: 'no mapping subscribes to this event' })
      return
    }
    const single = matched.filter((m) => !m.batched)
    if (single.length > 0) await this.sendSingle(item.line, event, single)
    for (const matcher of matched.filter((m) => m.batched)) {
      matcher.pending.push({ line: item.line, event })
      if (matcher.pending.length >= matcher.batchSize) await this.flush(matcher)
    }
  }

  /** Sends what is still queued. */
  async finish(): Promise<RunSummary> {
    for (const matcher of this.matchers) if (matcher.pending.length > 0) await this.flush(matcher)
    return this.summary
  }

  async run(items: AsyncIterable<InputItem>): Promise<RunSummary> {
    for await (const item of items) await this.push(item)
    return this.finish()
  }

  private settingsFor(matchers: Matcher[]): JSONObject {
    return { ...this.options.settings, subscriptions: matchers.map((m) => m.subscription) } as unknown as JSONObject
  }

  private async sendSingle(line: number, event: SegmentEvent, matchers: Matcher[]): Promise<void> {
    this.watcher.take()
    let error: (Error & { status?: number }) | undefined
    try {
      await this.destination.onEvent(event, this.settingsFor(matchers))
    } catch (e) {
      error = e as Error & { status?: number }
    }
    const exchanges = this.count(this.takeExchanges())
    for (const matcher of matchers) {
      const action = matcher.subscription.partnerAction
      const mine = exchanges.filter((x) => x.action === action)
      const last = mine[mine.length - 1]
      const ok = mine.length > 0 && mine.every((x) => x.response && x.response.status < 300)
      const base = { ...describe(line, event), action, request: requestLine(mine), status: last?.response?.status }
      if (!error || ok) this.report({ ...base, outcome: 'delivered' })
      else
        this.report({
          ...base,
          status: error.status ?? last?.response?.status,
          outcome: mine.length > 0 ? 'failed' : 'rejected',
          message: error.message
        })
    }
  }

  private async flush(matcher: Matcher): Promise<void> {
    const batch = matcher.pending
    matcher.pending = []
    const action = matcher.subscription.partnerAction
    this.watcher.take()
    let results: Array<{ multistatus?: Array<Record<string, unknown>> }> = []
    let thrown: (Error & { status?: number }) | undefined
    try {
      results = (await this.destination.onBatch(
        batch.map((b) => b.event),
        this.settingsFor([matcher])
      )) as typeof results
    } catch (e) {
      thrown = e as Error & { status?: number }
    }
    const exchanges = this.count(this.takeExchanges())
    // Which records reached Drip: worked out only if some result failed (it costs a JSON text per record).
    let sentRecords: Set<string> | undefined
    const wasSent = (record: unknown) => {
      sentRecords ??= new Set(exchanges.flatMap((x) => batchRecords(x.request.body)))
      return record !== undefined && sentRecords.has(JSON.stringify(record))
    }
    const multistatus = results.find((r) => r.multistatus)?.multistatus ?? []
    batch.forEach(({ line, event }, index) => {
      const base = { ...describe(line, event), action, request: requestLine(exchanges) }
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
        this.report({ ...base, status, outcome: 'delivered' })
        return
      }
      const sent = wasSent(result.sent)
      this.report({
        ...base,
        request: sent ? base.request : undefined,
        status,
        outcome: sent ? 'failed' : 'rejected',
        message: String(result.errormessage ?? 'unknown error')
      })
    })
  }

  /**
   * The exchanges of the last call. actions-core's Destination also keeps every response it ever saw (for its local
   * server); a long replay would hold them all, so they are let go here.
   */
  private takeExchanges(): Exchange[] {
    this.destination.responses.length = 0
    return this.watcher.take()
  }

  private count(exchanges: Exchange[]): Exchange[] {
    for (const exchange of exchanges) {
      this.summary.requests++
      const endpoint = `${exchange.request.method} ${new URL(exchange.request.url).pathname}`
      this.summary.requestsByEndpoint[endpoint] = (this.summary.requestsByEndpoint[endpoint] ?? 0) + 1
    }
    return exchanges
  }

  private report(result: EventResult): void {
    if (result.outcome !== 'unparsable') this.summary[result.outcome]++
    if ((result.outcome === 'rejected' || result.outcome === 'failed') && result.message) {
      this.summary.reasons[result.message] = (this.summary.reasons[result.message] ?? 0) + 1
    }
    this.options.onResult(result)
  }
}

function describe(line: number, event: SegmentEvent): Pick<EventResult, 'line' | 'type' | 'name'> {
  const name =
    event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : undefined
  return { line, type: event.type, ...(name ? { name } : {}) }
}

function requestLine(exchanges: Exchange[]): string | undefined {
  const lines = [...new Set(exchanges.map((x) => `${x.request.method} ${new URL(x.request.url).pathname}`))]
  return lines.length > 0 ? lines.join(', ') : undefined
}

/** The records inside a batch body (`{"batches":[{"subscribers":[...]}]}`), as JSON text. */
function batchRecords(body: unknown): string[] {
  const batches = (body as { batches?: Array<Record<string, unknown>> })?.batches
  if (!Array.isArray(batches)) return []
  return batches.flatMap((batch) =>
    Object.values(batch).flatMap((records) => (Array.isArray(records) ? records.map((r) => JSON.stringify(r)) : []))
  )
}
