import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import { parseArgs } from 'util'
import { defaultValues, Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject } from '@segment/actions-core'
import definition, { createDefinition } from '../src'
import type { Settings } from '../src/generated-types'
import { instrument } from './instrument'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from './simulator'
import { readBody } from './http'

// `npm run serve`: the routes of action-destinations' `./bin/run serve`, so Segment's Actions Tester and curl can drive
// the destination: GET /manifest, POST /authenticate, POST /<actionSlug>. Replies list the HTTP exchanges made.

const TESTER_ORIGINS = [
  'https://app.segment.com',
  'https://eu1.app.segment.com',
  'https://app.segment.build',
  'https://eu1.app.segment.build',
  'http://localhost:8000'
]

export interface ServeOptions {
  port?: number
  /** Where Drip is; defaults to the real API. */
  apiBaseUrl?: string
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const def: DestinationDefinition<Settings> = options.apiBaseUrl ? createDefinition(options.apiBaseUrl) : definition
  const watcher = instrument(def)
  const destination = new Destination(watcher.definition)
  const log = options.log ?? (() => undefined)

  const routes: Record<string, (body: JSONObject) => Promise<unknown>> = {
    '/authenticate': async (body) => {
      try {
        await destination.testAuthentication(body as unknown as Settings)
        return { ok: true }
      } catch (error) {
        return { ok: false, error: (error as Error).message }
      }
    }
  }
  for (const [slug, action] of Object.entries(destination.actions)) {
    routes[`/${slug}`] = async (body) => {
      watcher.take()
      // actions-core's Destination keeps every response it sees; this server reports its own exchanges instead.
      destination.responses.length = 0
      const mapping = { ...defaultValues(def.actions[slug].fields), ...((body.mapping as JSONObject) ?? {}) }
      const input = { settings: (body.settings ?? {}) as unknown as Settings, mapping, auth: undefined }
      try {
        if (Array.isArray(body.payload)) {
          const multistatus = await action.executeBatch({ ...input, data: body.payload as JSONObject[] })
          return [...watcher.take(), { multistatus }]
        }
        await action.execute({ ...input, data: (body.payload ?? {}) as JSONObject })
        return watcher.take()
      } catch (err) {
        const error = err as Error & { status?: number; code?: string }
        // The runtime reports a payload that fails the fields' schema as a 400, as Destination.onEvent does.
        const invalid = error.name === 'AggregateAjvError' || error.name === 'ValidationError'
        const statusCode = error.status ?? (invalid ? 400 : 500)
        return [...watcher.take(), { statusCode, code: error.code, message: error.message, requestError: true }]
      }
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res))
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
      reply = { ...def, directoryName: 'drip' }
    } else if (req.method === 'POST' && routes[path]) {
      const text = await readBody(req)
      let body: JSONObject | undefined
      try {
        body = text ? (JSON.parse(text) as JSONObject) : {}
      } catch (error) {
        status = 400
        reply = { error: `the request body is not JSON: ${(error as Error).message}` }
      }
      if (body) reply = await routes[path](body)
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
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
  const port = Number(process.env.PORT ?? 3000)
  let simulator: DripSimulator | undefined
  let apiBaseUrl: string | undefined
  if (!values.live) {
    simulator = new DripSimulator()
    apiBaseUrl = await simulator.start()
  }
  const server = await serve({ port, apiBaseUrl, log: (line) => console.log(line) })
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
