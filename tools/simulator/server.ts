import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http'
import type { AddressInfo, Socket } from 'net'
import { readFileSync, writeFileSync } from 'fs'
import { createHash, randomUUID } from 'crypto'
import { AccountState, type Person, type ShopperActivityKind } from './state'
import { dripRequestSchemas, type DripValidationError, type RequestSchemas } from './schemas'
import { readBody } from '../http'
import { DRIP_LIMITS, RateLimits } from './rate-limits'

// A stand-in for Drip's REST API on 127.0.0.1: Drip's auth, validation (from Drip's OpenAPI description), rate limits,
// answers and state semantics, for every endpoint the destination calls. It knows nothing about the destination.

export interface SimulatorAccount {
  id: string
  name?: string
}

export interface SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  /** API tokens Drip accepts, each with the accounts its user can use. */
  tokens?: Record<string, string[]>
  accounts?: SimulatorAccount[]
  /** Requests per account per window: Drip's are 3,600 single and 50 batch an hour. */
  limits?: { single?: number; batch?: number; windowMs?: number }
  /** Events kept per account for reading back (all are counted). */
  keepEvents?: number
  /** Requests kept in `received`, newest last (default 100: a batch body can be hundreds of KB). */
  keepRequests?: number
  /**
   * Whether an event or tag for an email Drip does not know creates the person (subscribed, `active`). Drip's
   * reference does not say (an open question without a live account); the simulator assumes it does unless told
   * otherwise, and the runner says which it assumed.
   */
  eventCreatesPerson?: boolean
  /**
   * Emails Drip refuses, standing for the records Drip refuses that no check of ours can foresee: a request holding
   * one is refused whole (422) without naming the record, as Drip refuses a batch.
   */
  refusedEmails?: string[]
}

/** A canned answer for the next matching requests, to see how a client copes with Drip's failures. */
export interface Fault {
  method?: string
  /** Matched against the request path. */
  path?: string | RegExp
  status?: number
  body?: unknown
  headers?: Record<string, string>
  /** How many requests it answers (default 1). */
  times?: number
  /** Wait this long before answering (or before resetting). */
  delayMs?: number
  /** Drop the connection instead of answering. */
  reset?: boolean
  /** Send the headers and the first half of the body, then drop the connection (`reset`) or send nothing more (`stall`). */
  cut?: 'reset' | 'stall'
  /**
   * Drip does the work first, as it would: the request takes effect, and the fault is in its answer only (Drip's own,
   * after `delayMs`, or cut, or never: `reset`). `status` and `body` are not used. A client that gives up on such an
   * answer, or dies waiting, does not know that Drip took the request.
   */
  processed?: boolean
}

/**
 * Faults at a rate, for chaos runs: each request not answered by an injected fault meets one of `faults` with
 * probability `rate`. The draw hangs on the request itself (method, path, body, and how many times the same request
 * came before), not on arrival order, so a run is the same every time whatever the concurrency.
 */
export interface Chaos {
  rate: number
  faults: Fault[]
  seed?: string
}

export interface ReceivedRequest {
  method: string
  path: string
  status: number
  /** The request body as sent. */
  text: string
  /** Which connection it came on: 1 for the first the simulator accepted, 2 for the next, and so on. */
  connection: number
}

export const DEMO_ACCOUNT_ID = '9999999'
export const DEMO_API_TOKEN = 'demo-drip-api-token-0123456789abcdef'

export const RATE_LIMIT_BODY = {
  message: 'API rate limit exceeded. Please try again in an hour.',
  documentation: 'https://www.getdrip.com/docs/rest-api#rate-limting'
}
const NOT_FOUND = { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] }

type Reply = { status: number; body?: unknown; headers?: Record<string, string> }

export class DripSimulator {
  readonly accounts = new Map<string, AccountState>()
  /** See SimulatorOptions.refusedEmails; tests may change it between requests. */
  readonly refusedEmails: Set<string>
  /** The newest requests answered (`keepRequests` of them), in order. */
  readonly received: ReceivedRequest[] = []
  requestCount = 0
  /** Connections clients opened since the simulator started (a client that keeps connections alive opens few). */
  connectionCount = 0
  private readonly tokens: Map<string, Set<string>>
  private readonly rateLimits: RateLimits
  private readonly faults: Fault[] = []
  private chaosRun?: Chaos
  private clockOffsetMs = 0
  private readonly chaosSeen = new Map<string, number>()
  private readonly schemas: RequestSchemas
  private readonly sockets = new Set<Socket>()
  private readonly connectionOf = new WeakMap<Socket, number>()
  private server?: Server

  constructor(private readonly options: SimulatorOptions = {}) {
    this.refusedEmails = new Set((options.refusedEmails ?? []).map((email) => email.toLowerCase()))
    const accounts = options.accounts ?? [{ id: DEMO_ACCOUNT_ID, name: 'Demo Shop' }]
    for (const account of accounts) {
      this.accounts.set(
        account.id,
        new AccountState(
          account.id,
          account.name ?? `Account ${account.id}`,
          options.keepEvents ?? 10_000,
          options.eventCreatesPerson
        )
      )
    }
    const tokens = options.tokens ?? { [DEMO_API_TOKEN]: accounts.map((a) => a.id) }
    this.tokens = new Map(Object.entries(tokens).map(([token, ids]) => [token, new Set(ids)]))
    this.rateLimits = new RateLimits({ ...DRIP_LIMITS, ...options.limits }, () => Date.now() + this.clockOffsetMs)
    this.schemas = dripRequestSchemas()
  }

  /** Starts listening on 127.0.0.1 and resolves to the base URL, e.g. `http://127.0.0.1:40123`. */
  async start(): Promise<string> {
    // A client that goes away mid-request ends that exchange only, never the simulator.
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy())
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      this.connectionCount++
      this.connectionOf.set(socket, this.connectionCount)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve)
    })
    return this.url
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('the simulator is not listening')
    return `http://127.0.0.1:${address.port}`
  }

  async stop(): Promise<void> {
    if (!this.server) return
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
    this.server = undefined
  }

  /** The connections (as numbered in ReceivedRequest.connection) that are still open. */
  openConnections(): number[] {
    return [...this.sockets].map((socket) => this.connectionOf.get(socket) ?? 0)
  }

  /** Answers the next matching request(s) with `fault` instead of Drip's normal answer. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault })
  }

  /** How many requests the injected faults are still to answer. */
  faultsLeft(): number {
    return this.faults.reduce((sum, fault) => sum + (fault.times ?? 1), 0)
  }

  /**
   * Moves the simulator's clock on, as if `ms` had passed: how a replay waits out Drip's hourly budget on virtual
   * time (the runner's --wait) instead of for an hour.
   */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms
  }

  /** How long until an account's hourly budgets are whole again, on the simulator's clock. */
  budgetBackInMs(account = DEMO_ACCOUNT_ID): number {
    return this.rateLimits.resetsInMs(account)
  }

  /** How far the simulator's clock was moved on (advanceClock): the time a replay waited for Drip's budget. */
  get clockAheadMs(): number {
    return this.clockOffsetMs
  }

  /** How many hourly windows of Drip's budget an account's requests have fallen in, on the simulator's clock. */
  budgetHours(account = DEMO_ACCOUNT_ID): number {
    return this.rateLimits.windows(account)
  }

  /** Starts (or, without an argument, ends) faults at a rate; see Chaos. */
  chaos(chaos?: Chaos): void {
    this.chaosRun = chaos
    this.chaosSeen.clear()
  }

  /** Forgets people, events, usage and faults. */
  reset(): void {
    this.chaos()
    for (const account of [...this.accounts.values()]) {
      this.accounts.set(
        account.id,
        new AccountState(account.id, account.name, this.options.keepEvents ?? 10_000, this.options.eventCreatesPerson)
      )
    }
    this.rateLimits.reset()
    this.faults.length = 0
    this.received.length = 0
    this.requestCount = 0
  }

  state() {
    return {
      accounts: [...this.accounts.values()].map((account) => account.snapshot()),
      requests: this.requestCount
    }
  }

  dump(file: string): void {
    writeFileSync(file, JSON.stringify(this.state(), null, 2))
  }

  /** Takes back the accounts a `dump` wrote: a simulated Drip account outlives one run, as a real one does. */
  load(file: string): void {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<DripSimulator['state']>
    for (const snapshot of saved.accounts) this.accounts.get(snapshot.id)?.restore(snapshot)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const text = await readBody(req)
    const fault =
      this.takeFault(req.method ?? 'GET', url.pathname) ?? this.chaosFault(req.method ?? 'GET', url.pathname, text)
    if (fault) {
      const done = fault.processed ? this.answerOrError(req, url.pathname, text) : undefined
      // Unreferenced: a delayed answer nobody waits for any more must not keep a finished process (or test) alive.
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref())
      if (fault.reset) {
        req.socket.destroy()
        return
      }
      const reply = done ?? { status: fault.status ?? 500, body: fault.body, headers: fault.headers }
      if (fault.cut) this.sendPart(req, res, url.pathname, reply, text, fault.cut)
      else this.send(req, res, url.pathname, reply, text)
      return
    }
    this.send(req, res, url.pathname, this.answerOrError(req, url.pathname, text), text)
  }

  private answerOrError(req: IncomingMessage, path: string, text: string): Reply {
    try {
      return this.answer(req, path, text)
    } catch (error) {
      return { status: 500, body: { errors: [{ code: 'server_error', message: String(error) }] } }
    }
  }

  private chaosFault(method: string, path: string, text: string): Fault | undefined {
    const chaos = this.chaosRun
    if (!chaos || path.startsWith('/_simulator')) return undefined
    const request = createHash('sha256')
      .update(`${chaos.seed ?? ''} ${method} ${path} ${text}`)
      .digest('base64')
    const nth = (this.chaosSeen.get(request) ?? 0) + 1
    this.chaosSeen.set(request, nth)
    const draw = createHash('sha256').update(`${request}#${nth}`).digest()
    if (draw.readUInt32BE(0) / 2 ** 32 >= chaos.rate) return undefined
    return chaos.faults[draw.readUInt32BE(4) % chaos.faults.length]
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === 'string' ? path === f.path || path.endsWith(f.path) : f.path.test(path)))
    )
    if (index < 0) return undefined
    const fault = this.faults[index]
    fault.times = (fault.times ?? 1) - 1
    if (fault.times <= 0) this.faults.splice(index, 1)
    return fault
  }

  private answer(req: IncomingMessage, path: string, text: string): Reply {
    const method = req.method ?? 'GET'
    if (path === '/_simulator/state' && method === 'GET') return { status: 200, body: this.state() }
    if (path === '/_simulator/reset' && method === 'POST') {
      this.reset()
      return { status: 204 }
    }

    const token = basicToken(req.headers.authorization)
    const allowed = token === undefined ? undefined : this.tokens.get(token)
    if (!allowed) return { status: 401, body: { errors: [{ code: 'authentication_error', message: 'Unauthorized' }] } }

    if (method === 'GET' && path === '/v2/accounts') {
      return { status: 200, body: { accounts: [...allowed].map((id) => this.accountView(id)).filter(Boolean) } }
    }

    const scoped = /^\/v[23]\/([^/]+)\/(.+)$/.exec(path)
    const template = this.schemas.route(method, path)
    if (!scoped || !template) return { status: 404, body: NOT_FOUND }
    const account = this.accounts.get(scoped[1])
    if (!account || !allowed.has(account.id)) return { status: 404, body: NOT_FOUND }
    const resource = scoped[2]
    const isBatch = resource.endsWith('/batches') || resource.endsWith('/batch')

    const limited = this.spend(account.id, isBatch)
    if (limited) return limited.reply

    let body: unknown
    try {
      body = text ? JSON.parse(text) : {}
    } catch (error) {
      return {
        status: 400,
        body: { status: 400, error: `There was a problem in the JSON you submitted: ${(error as Error).message}` },
        headers: this.rateHeaders(account.id, isBatch)
      }
    }
    const invalid = this.schemas.validate(method, path, body)
    const extra = invalid.length > 0 ? invalid : dripChecks(resource, body, this.refusedEmails)
    if (extra.length > 0)
      return { status: 422, body: { errors: extra }, headers: this.rateHeaders(account.id, isBatch) }

    const headers = this.rateHeaders(account.id, isBatch)
    const lifecycle = this.lifecycle(
      method,
      resource,
      new URL(req.url ?? '/', 'http://127.0.0.1').searchParams,
      body,
      account
    )
    if (lifecycle) return { ...lifecycle, headers }
    const input = body as Record<string, Array<Record<string, unknown>>>
    switch (`${method} ${resource}`) {
      case 'POST subscribers': {
        const person = account.upsertSubscriber(input.subscribers[0])
        return {
          status: 200,
          headers,
          body: {
            links: { 'subscribers.account': `https://api.getdrip.com/v2/accounts/{subscribers.account}` },
            subscribers: [person]
          }
        }
      }
      case 'POST subscribers/batches':
        for (const subscriber of batchItems(input, 'subscribers')) account.upsertSubscriber(subscriber)
        return { status: 201, headers, body: {} }
      case 'POST events':
        account.recordEvent(input.events[0])
        return { status: 204, headers }
      case 'POST events/batches':
        for (const event of batchItems(input, 'events')) account.recordEvent(event)
        return { status: 201, headers, body: {} }
      case 'POST shopper_activity/order':
      case 'POST shopper_activity/cart':
      case 'POST shopper_activity/product':
        account.recordShopperActivity(resource.split('/')[1] as ShopperActivityKind, input as never)
        return { status: 202, headers, body: { request_id: randomUUID() } }
      case 'POST shopper_activity/order/batch':
      case 'POST shopper_activity/cart/batch':
      case 'POST shopper_activity/product/batch': {
        const kind = resource.split('/')[1] as ShopperActivityKind
        for (const record of input[`${kind}s`]) account.recordShopperActivity(kind, record)
        return { status: 202, headers, body: { request_ids: input[`${kind}s`].map(() => randomUUID()) } }
      }
      default:
        return {
          status: 404,
          headers,
          body: {
            errors: [{ code: 'not_found_error', message: `The simulator does not implement ${method} ${template}` }]
          }
        }
    }
  }

  /**
   * Tags, unsubscribes, deletion, Email Series, workflows and the lists pickers read, with Drip's answers: 404 for a
   * person, Email Series or workflow the account does not have.
   */
  private lifecycle(
    method: string,
    resource: string,
    query: URLSearchParams,
    body: unknown,
    account: AccountState
  ): Reply | undefined {
    const input = (body ?? {}) as Record<string, unknown>
    const parts = resource.split('/').map(decodeURIComponent)
    const notFound = { status: 404, body: NOT_FOUND }
    const view = (person: Person | undefined, status = 200): Reply =>
      person ? { status, body: { subscribers: [person] } } : notFound
    // Ids and emails stand at odd places of the path (subscribers/:id/tags/:tag); the batch path has none.
    const shape = resource === 'unsubscribes/batches' ? resource : parts.map((p, i) => (i % 2 ? ':' : p)).join('/')
    const route = `${method} ${shape}`
    switch (route) {
      case 'GET tags':
        return { status: 200, body: { tags: account.tagsInUse() } }
      case 'GET custom_field_identifiers':
        return { status: 200, body: { custom_field_identifiers: account.customFieldKeys() } }
      case 'GET campaigns':
      case 'GET workflows': {
        const lists = [...(parts[0] === 'campaigns' ? account.campaigns : account.workflows).values()]
        const status = query.get('status')
        const shown = status && status !== 'all' ? lists.filter((l) => l.status === status) : lists
        return {
          status: 200,
          body: page(
            parts[0],
            shown.map(({ members: _members, ...list }) => list),
            query
          )
        }
      }
      case 'GET campaigns/:':
      case 'GET workflows/:': {
        const list = (parts[0] === 'campaigns' ? account.campaigns : account.workflows).get(parts[1])
        if (!list) return notFound
        return { status: 200, body: { [parts[0]]: [{ id: list.id, name: list.name, status: list.status }] } }
      }
      case 'POST campaigns/:/activate':
      case 'POST workflows/:/activate': {
        const list = (parts[0] === 'campaigns' ? account.campaigns : account.workflows).get(parts[1])
        if (!list) return notFound
        list.status = 'active'
        return { status: 204 }
      }
      case 'POST tags':
        for (const { email, tag } of input.tags as Array<{ email: string; tag: string }>) account.addTag(email, tag)
        return { status: 201, body: {} }
      case 'DELETE subscribers/:/tags/:':
        return account.removeTag(parts[1], parts[3]) ? { status: 204 } : notFound
      case 'POST subscribers/:/unsubscribe_all':
        return view(account.unsubscribeAll(parts[1]))
      case 'POST subscribers/:/remove':
        return view(account.removeFromCampaigns(parts[1], query.get('campaign_id') ?? undefined))
      case 'POST unsubscribes/batches':
        for (const batch of input.batches as Array<{ subscribers: Array<{ email: string }> }>) {
          for (const subscriber of batch.subscribers) account.unsubscribeAll(subscriber.email)
        }
        return { status: 204 }
      case 'DELETE subscribers/:':
        return account.deletePerson(parts[1]) ? { status: 204 } : notFound
      case 'POST campaigns/:/subscribers':
      case 'POST workflows/:/subscribers': {
        const list = (parts[0] === 'campaigns' ? account.campaigns : account.workflows).get(parts[1])
        if (!list) return notFound
        const subscriber = (input.subscribers as Array<Record<string, unknown>>)[0]
        return view(account.join(list, subscriber, parts[0] === 'workflows'), 201)
      }
      case 'DELETE workflows/:/subscribers/:': {
        const list = account.workflows.get(parts[1])
        return list && account.leave(list, parts[3]) ? { status: 204 } : notFound
      }
      default:
        return undefined
    }
  }

  private accountView(id: string) {
    const account = this.accounts.get(id)
    if (!account) return undefined
    return { id, name: account.name, url: 'www.example.com', href: `https://api.getdrip.com/v2/accounts/${id}` }
  }

  /** Counts a request against the account's hourly budget; a 429 once it is spent. */
  private spend(accountId: string, isBatch: boolean): { reply: Reply } | undefined {
    if (this.rateLimits.spend(accountId, isBatch ? 'batch' : 'single')) return undefined
    return { reply: { status: 429, body: RATE_LIMIT_BODY, headers: this.rateHeaders(accountId, isBatch) } }
  }

  private rateHeaders(accountId: string, isBatch: boolean): Record<string, string> {
    const budget = isBatch ? 'batch' : 'single'
    return {
      'X-RateLimit-Limit': String(this.rateLimits.limits[budget]),
      'X-RateLimit-Remaining': String(this.rateLimits.remaining(accountId, budget))
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, path: string, reply: Reply, text = ''): void {
    const { headers, payload } = this.record(req, path, reply, text)
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  /** Half an answer: the headers (announcing the whole length) and half the body, then a reset or silence. */
  private sendPart(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    reply: Reply,
    text: string,
    cut: 'reset' | 'stall'
  ) {
    const { headers, payload } = this.record(req, path, reply, text)
    const bytes = Buffer.from(payload)
    res.writeHead(reply.status, { ...headers, 'Content-Length': String(bytes.length) })
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
      if (cut === 'reset') req.socket.destroy()
    })
  }

  /** Counts and keeps the exchange; the answer's headers and body text. */
  private record(req: IncomingMessage, path: string, reply: Reply, text: string) {
    this.requestCount++
    const connection = this.connectionOf.get(req.socket) ?? 0
    this.received.push({ method: req.method ?? 'GET', path, status: reply.status, text, connection })
    const keep = this.options.keepRequests ?? 100
    if (this.received.length > keep) this.received.splice(0, this.received.length - keep)
    const headers: Record<string, string> = { ...(reply.headers ?? {}) }
    let payload = ''
    if (reply.body !== undefined && reply.status !== 204) {
      if (typeof reply.body === 'string') {
        payload = reply.body
        headers['Content-Type'] ??= 'text/html'
      } else {
        payload = JSON.stringify(reply.body)
        headers['Content-Type'] ??= 'application/json; charset=utf-8'
      }
    }
    return { headers, payload }
  }
}

/** What Drip checks beyond its published schemas. */
function dripChecks(resource: string, body: unknown, refusedEmails: ReadonlySet<string>): DripValidationError[] {
  const errors: DripValidationError[] = []
  if (refusedEmails.size > 0 && holdsEmail(body, refusedEmails)) {
    errors.push({ code: 'email_error', attribute: 'email', message: 'Email address is on a block list' })
  }
  const input = body as Record<string, unknown>
  const records = (key: string) =>
    resource.endsWith('/batches')
      ? batchItems(input as Record<string, unknown>, key)
      : ((input[key] as Array<Record<string, unknown>>) ?? [])
  if (resource.startsWith('subscribers')) {
    for (const subscriber of records('subscribers')) {
      if (!subscriber.email && !subscriber.id && !subscriber.visitor_uuid) {
        errors.push({ code: 'presence_error', attribute: 'email', message: 'Email is required' })
      }
      if (subscriber.sms_number !== undefined && !/^\+1\d{10}$/.test(String(subscriber.sms_number))) {
        errors.push({
          code: 'sms_error',
          attribute: 'sms_number',
          message: 'Sms number must be a valid US mobile number with E.164 formatting'
        })
      }
    }
  }
  if (resource === 'shopper_activity/order' || resource === 'shopper_activity/cart') {
    if (!input.email && !input.person_id) {
      errors.push({ code: 'presence_error', attribute: 'email', message: 'Email or person_id is required' })
    }
  }
  if (resource === 'shopper_activity/order/batch' || resource === 'shopper_activity/cart/batch') {
    for (const record of (input[`${resource.split('/')[1]}s`] as Array<Record<string, unknown>>) ?? []) {
      if (!record.email && !record.person_id) {
        errors.push({ code: 'presence_error', attribute: 'email', message: 'Email or person_id is required' })
      }
    }
  }
  if (resource.startsWith('events')) {
    for (const event of records('events')) {
      if (!event.email && !event.id)
        errors.push({ code: 'presence_error', attribute: 'email', message: 'Email is required' })
      const value = (event.properties as Record<string, unknown> | undefined)?.value
      if (
        value !== undefined &&
        (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) >= 2147483647)
      ) {
        errors.push({ code: 'range_error', attribute: 'value', message: 'Value must be an integer below 2147483647' })
      }
    }
  }
  return errors
}

/** One page of a list, as Drip pages its lists (`page`, `per_page` up to 1,000, 100 by default) with its `meta`. */
function page(key: string, items: unknown[], query: URLSearchParams) {
  const perPage = Math.min(1000, Math.max(1, Number(query.get('per_page') ?? 100) || 100))
  const total = Math.max(1, Math.ceil(items.length / perPage))
  const current = Math.min(total, Math.max(1, Number(query.get('page') ?? 1) || 1))
  return {
    meta: { page: current, count: perPage, total_pages: total, total_count: items.length },
    [key]: items.slice((current - 1) * perPage, current * perPage)
  }
}

function batchItems(input: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const batches = (input.batches as Array<Record<string, unknown>>) ?? []
  return batches.flatMap((batch) => (batch[key] as Array<Record<string, unknown>>) ?? [])
}

function basicToken(header: string | undefined): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? decoded : decoded.slice(0, colon)
}

/** Whether any `email` anywhere in a request body is one of `emails`. */
function holdsEmail(value: unknown, emails: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((item) => holdsEmail(item, emails))
  if (!value || typeof value !== 'object') return false
  return Object.entries(value).some(([key, inner]) =>
    key === 'email' ? typeof inner === 'string' && emails.has(inner.toLowerCase()) : holdsEmail(inner, emails)
  )
}
