import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import { parseArgs } from 'util'
import { Destination } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import definition from '../src'
import type { Settings } from '../src/generated-types'
import { instrument, type Exchange } from './instrument'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from './simulator'
import { routeDripTo } from './simulator/routing'
import { readBody, BodyTooLarge } from './http'
import { mappingProblem, withDefaults } from './subscriptions'

// `npm run serve`: the routes and reply shapes of action-destinations' local server (`./bin/run serve`), so Segment's
// Actions Tester and curl can drive the destination: GET /manifest, POST /authenticate, POST /<actionSlug>.

const TESTER_ORIGINS = [
  'https://app.segment.com',
  'https://eu1.app.segment.com',
  'https://app.segment.build',
  'https://eu1.app.segment.build',
  'http://localhost:8000'
]

/** The largest request body taken: a batch of 1,000 rich events is a few MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

export interface ServeOptions {
  port?: number
  /** A Drip simulator on 127.0.0.1 to send to (this process's requests to Drip are routed there); else the real API. */
  simulatorUrl?: string
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  close(): Promise<void>
}

/** An exchange as action-destinations' server reports it: the request body as sent (text), the status as statusCode. */
function reported(exchange: Exchange) {
  return {
    request: {
      url: exchange.request.url,
      method: exchange.request.method,
      headers: exchange.request.headers,
      body: exchange.request.text ?? ''
    },
    response: exchange.response
      ? {
          statusCode: exchange.response.status,
          statusMessage: exchange.response.statusText,
          headers: exchange.response.headers,
          body: exchange.response.body ?? ''
        }
      : { statusCode: 0, statusMessage: exchange.error ?? 'no answer', headers: {}, body: '' }
  }
}

/** An error as action-destinations' server reports it, field errors of a payload that fails the schema included. */
function reportedError(err: unknown) {
  const error = err as Error & { status?: number; code?: string; errors?: Array<{ path?: string; message: string }> }
  const invalid = error.name === 'AggregateAjvError' || error.name === 'ValidationError'
  const fields = Array.isArray(error.errors)
    ? Object.fromEntries(error.errors.map((e) => [String(e.path ?? '').replace(/^\$\./, ''), e.message]))
    : undefined
  return {
    statusCode: error.status ?? (invalid ? 400 : 500),
    message: error.message,
    ...(error.code ? { code: error.code } : {}),
    stack: String(error.stack ?? '').split('\n'),
    ...(fields ? { fields } : {}),
    requestError: true
  }
}

/** What a route answers: its HTTP status and the reply it sends as JSON. */
interface Answer {
  status: number
  reply: unknown
}

/** A route: what its body must hold (for the message when it is no object), and how it answers. */
interface Route {
  takes: string
  run(body: JSONObject): Promise<Answer>
}

const ok = (reply: unknown): Answer => ({ status: 200, reply })

/** A request body for a message: `null`, `an array`, or the JSON itself, cut short. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}

/**
 * A request body that is a JSON object, or the error to answer with 400. No body at all is an empty object, as
 * express.json() (action-destinations' server) reads it; `null`, an array or any other value is refused.
 */
function requestBody(text: string, route: Route): { value: JSONObject } | { error: string } {
  let value: unknown
  try {
    value = text ? JSON.parse(text) : {}
  } catch (error) {
    return { error: `the request body is not JSON: ${(error as Error).message}` }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `the request body must be a JSON object (${route.takes}), not ${shown(value)}` }
  }
  return { value: value as JSONObject }
}

/**
 * Why a request's payload cannot be a Segment event or a batch of them, or undefined: an object, an array of objects,
 * or none (an empty event, as action-destinations' server takes it).
 */
function payloadProblem(payload: unknown): string | undefined {
  const isEvent = (value: unknown) => Boolean(value) && typeof value === 'object' && !Array.isArray(value)
  if (payload === undefined || isEvent(payload)) return undefined
  if (Array.isArray(payload)) {
    const at = payload.findIndex((event) => !isEvent(event))
    if (at < 0) return undefined
    return `"payload" must be a Segment event or an array of them; its element ${at} is ${shown(payload[at])}`
  }
  return `"payload" must be a Segment event (a JSON object) or an array of them, not ${shown(payload)}`
}

/** actions-core words a failed test as "Credentials are invalid: <status> <message>", with a double space when there is no status. */
const tidy = (message: string) => message.replace(/^(Credentials are invalid:)\s+/, '$1 ')

export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const unroute = options.simulatorUrl ? routeDripTo(options.simulatorUrl) : () => undefined
  const watcher = instrument(definition)
  const destination = new Destination(watcher.definition)
  const log = options.log ?? (() => undefined)

  const routes: Record<string, Route> = {
    '/authenticate': {
      takes: 'the settings: {"accountId", "apiKey"}',
      run: async (body) => {
        try {
          await destination.testAuthentication(body as unknown as Settings)
          return ok({ ok: true })
        } catch (error) {
          const { fields } = reportedError(error)
          return ok({ ok: false, error: tidy((error as Error).message), fields: fields ?? {} })
        }
      }
    }
  }
  for (const [slug, action] of Object.entries(destination.actions)) {
    routes[`/${slug}`] = { takes: '{"payload", "settings", "mapping"}', run: (body) => runAction(slug, action, body) }
  }

  async function runAction(
    slug: string,
    action: Destination<Settings>['actions'][string],
    body: JSONObject
  ): Promise<Answer> {
    // A key that is no field (a typo, a label) would be dropped by the runtime without a word: refused here, with a
    // 400 status (the request is wrong, not the event) and the body of an error of action-destinations' server.
    const problem = mappingProblem(definition, slug, body.mapping) ?? payloadProblem(body.payload)
    if (problem) return { status: 400, reply: [{ statusCode: 400, message: problem, fields: {}, requestError: true }] }
    const mapping = withDefaults(definition, slug, (body.mapping as JSONObject) ?? {})
    const input = { settings: (body.settings ?? {}) as unknown as Settings, mapping, auth: undefined }
    // Each request's exchanges are its own, however many run at once.
    const { value, error, exchanges } = await watcher.capture(async () =>
      Array.isArray(body.payload)
        ? { multistatus: await action.executeBatch({ ...input, data: body.payload as JSONObject[] }) }
        : action.execute({ ...input, data: (body.payload ?? {}) as JSONObject })
    )
    // actions-core's Destination keeps every response it sees; this server reports its own exchanges instead.
    destination.responses.length = 0
    const reply: unknown[] = exchanges.map(reported)
    if (error) reply.push(reportedError(error))
    else if (value && 'multistatus' in (value as object)) reply.push(value)
    return ok(reply)
  }

  // Pickers, as action-destinations' server routes them: POST /<actionSlug>/<field> with {settings, payload, page}.
  for (const [slug, action] of Object.entries(destination.actions)) {
    for (const field of dynamicFieldNames(definition.actions[slug].dynamicFields)) {
      routes[`/${slug}/${field}`] = {
        takes: '{"settings", "payload", "page"}',
        run: async (body) => {
          const input = {
            settings: (body.settings ?? {}) as unknown as Settings,
            payload: (body.payload ?? {}) as JSONObject,
            page: String(body.page ?? '1')
          }
          try {
            return ok(await action.executeDynamicField(field, input as never))
          } catch (error) {
            return ok({ choices: [], error: { message: (error as Error).message, code: '500' } })
          }
        }
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      // Nothing a request does may end the server: answer what can still be answered, and go on.
      log(`500 ${req.method} ${req.url}: ${error.message}`)
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: error.message }))
      }
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now()
    const origin = req.headers.origin
    if (origin && TESTER_ORIGINS.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Access-Control-Allow-Headers', 'content-type')
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    let status = 200
    let reply: unknown
    if (req.method === 'OPTIONS') {
      status = 204
    } else if (req.method === 'GET' && path === '/manifest') {
      reply = { ...definition, directoryName: 'drip' }
    } else if (req.method === 'POST' && routes[path]) {
      let text: string
      try {
        text = await readBody(req, MAX_BODY_BYTES)
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) return // the client went away mid-upload: nobody to answer
        res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' })
        res.end(JSON.stringify({ error: `the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB` }))
        log(`413 ${req.method} ${path}`)
        return
      }
      const body = requestBody(text, routes[path])
      const answer = 'error' in body ? { status: 400, reply: body } : await routes[path].run(body.value)
      status = answer.status
      reply = answer.reply
    } else {
      status = 404
      reply = {
        error: `no route ${req.method} ${path}; routes: GET /manifest, ${Object.keys(routes)
          .map((r) => `POST ${r}`)
          .join(', ')}`
      }
    }
    res.writeHead(status, reply === undefined ? {} : { 'Content-Type': 'application/json' })
    res.end(reply === undefined ? '' : JSON.stringify(reply))
    log(`${status} ${req.method} ${path} ${Date.now() - started}ms`)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3000, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
        unroute()
      })
  }
}

/** The picker routes of an action: `field`, or `field.__keys__` for the keys of an object field. */
function dynamicFieldNames(dynamicFields: Record<string, unknown> | undefined): string[] {
  return Object.entries(dynamicFields ?? {}).flatMap(([field, handler]) =>
    typeof handler === 'function' ? [field] : Object.keys(handler as object).map((key) => `${field}.${key}`)
  )
}

/** PORT from the environment: a whole number from 0 to 65535, else a usage error. */
export function portFrom(env: NodeJS.ProcessEnv): number {
  const text = env.PORT ?? '3000'
  const port = Number(text)
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not ${JSON.stringify(text)}`)
  }
  return port
}

async function main() {
  const { values } = parseArgs({ options: { live: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    console.log(`npm run serve [-- --live]

Serves the destination on 127.0.0.1:$PORT (default 3000) with the routes of action-destinations' local server:
  GET  /manifest        the destination definition
  POST /authenticate    body: the settings ({"accountId", "apiKey"})
  POST /<actionSlug>    body: {"payload", "settings", "mapping"}; an array payload runs the batch path
Requests go to an embedded Drip simulator (Account ID ${DEMO_ACCOUNT_ID}, API key ${DEMO_API_TOKEN}),
or to the real Drip API with --live.`)
    return
  }
  let port: number
  try {
    port = portFrom(process.env)
  } catch (error) {
    console.error(`serve: ${(error as Error).message}`)
    process.exitCode = 2
    return
  }
  let simulator: DripSimulator | undefined
  let simulatorUrl: string | undefined
  if (!values.live) {
    simulator = new DripSimulator()
    simulatorUrl = await simulator.start()
  }
  const server = await serve({ port, simulatorUrl, log: (line) => console.log(line) })
  console.log(
    `Drip (Actions) at ${server.url}: GET /manifest, POST /authenticate, ${Object.keys(definition.actions)
      .map((a) => `POST /${a}`)
      .join(', ')}`
  )
  console.log(
    simulator
      ? `Drip is simulated at ${simulator.url} (state: GET ${simulator.url}/_simulator/state). Demo settings: {"accountId":"${DEMO_ACCOUNT_ID}","apiKey":"${DEMO_API_TOKEN}"}`
      : 'Drip is the real API (--live).'
  )
  const stop = async () => {
    await server.close()
    await simulator?.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`serve: ${(error as Error).message}`)
    process.exit(1)
  })
}
