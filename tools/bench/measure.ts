import { execFileSync, spawn, spawnSync } from 'child_process'
import { existsSync, mkdtempSync, rmSync } from 'fs'
import http from 'http'
import { tmpdir } from 'os'
import path from 'path'
import { Destination, MultiStatusResponse } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, RequestClient, SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import type { Settings } from '../../src/generated-types'
import { DRIP_API_BASE_URL, DRIP_REQUEST_TIMEOUT_MS } from '../../src/constants'
import { DRIP_REST_API_VERSION } from '../../src/versioning-info'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../simulator'
import { routeDripTo } from '../simulator/routing'
import { presetSubscriptions } from '../subscriptions'
import { identifyEvent, orderEvent, trackEvent, writeNdjson } from './events'
import { upstreamEvent, upstreamPerson } from '../upstream-shape'

// The four measurements of `npm run bench`. Each returns raw samples; index.ts summarises them.

const ROOT = path.join(__dirname, '..', '..')
const settingsFor = (def: DestinationDefinition<Settings>, batching: boolean, only: string) =>
  ({
    accountId: DEMO_ACCOUNT_ID,
    apiKey: DEMO_API_TOKEN,
    subscriptions: presetSubscriptions(def, { only, mapping: { [only]: { enable_batching: batching } } })
  }) as unknown as JSONObject

/** 1. Drip requests for `perAction` identify and track events each and twice as many orders, alone and batched. */
export async function requestsSpent(perAction: number) {
  const sim = new DripSimulator({ limits: { single: 1e9, batch: 1e9 }, keepEvents: 100 })
  const unroute = routeDripTo(await sim.start())
  const destination = new Destination(definition)
  const result: Record<string, { single: number; batched: number }> = {}
  try {
    for (const [action, make] of [
      ['identify', identifyEvent],
      ['trackEvent', trackEvent],
      ['orderActivity', orderEvent]
    ] as const) {
      const events = Array.from({ length: action === 'orderActivity' ? perAction * 2 : perAction }, (_, i) => make(i))
      sim.reset()
      for (const event of events) await destination.onEvent(event, settingsFor(definition, false, action))
      const single = sim.requestCount
      sim.reset()
      // Segment hands a batching mapping at most Batch Size (1,000) events per onBatch call.
      for (let i = 0; i < events.length; i += 1000) {
        await destination.onBatch(events.slice(i, i + 1000), settingsFor(definition, true, action))
      }
      result[action] = { single, batched: sim.requestCount }
    }
  } finally {
    unroute()
    await sim.stop()
  }
  return result
}

type Perform = (request: RequestClient, data: { payload: unknown; settings: Settings }) => unknown
type Performers = { perform: Perform; performBatch?: Perform }

/** Every action of the definition with its perform and performBatch replaced by `performers(slug)`. */
function replacing(
  def: DestinationDefinition<Settings>,
  performers: (slug: string, action: Performers) => Performers
): DestinationDefinition<Settings> {
  return {
    ...def,
    actions: Object.fromEntries(
      Object.entries(def.actions).map(([slug, action]) => [
        slug,
        { ...action, ...performers(slug, action as unknown as Performers) }
      ])
    ) as DestinationDefinition<Settings>['actions']
  }
}

/** One result per payload with the status the batch request was answered with, as a batch answers. */
function resultsOf(payloads: unknown[], status: number) {
  const results = new MultiStatusResponse()
  payloads.forEach((payload, index) =>
    status < 300
      ? results.setSuccessResponseAtIndex(index, { status, sent: payload as JSONObject, body: {} })
      : results.setErrorResponseAtIndex(index, { status, errormessage: `HTTP ${status}` })
  )
  return results
}

const REST = `${DRIP_API_BASE_URL}/${DRIP_REST_API_VERSION}`
/** Where the measured actions send: identify people, trackEvent events. */
const KEYS: Record<string, 'subscribers' | 'events'> = { identify: 'subscribers', trackEvent: 'events' }

/**
 * The definitions CPU is compared across, all on the same fields and runtime (the same mappings, the same
 * extendRequest), all but the floor sending real HTTP to the fake Drip:
 * - ours: the destination, as it is;
 * - bare: a bare sender, the least code that sends the same requests through actions-core's request client, with
 *   the same options as ours: the payloads JSON.stringify'd into the body Drip takes (`{subscribers: [payload]}`,
 *   `{batches: [{events: payloads}]}`), one result per payload with the answer's status;
 * - upstream: the shape of segmentio/action-destinations' Drip: its person() mapping and `json` requests (its Track
 *   Event has no batch; its style is kept for one);
 * - floor: the runtime alone, actions that do nothing and send nothing.
 */
function cpuDefinitions() {
  const options = {
    method: 'POST',
    timeout: DRIP_REQUEST_TIMEOUT_MS,
    throwHttpErrors: false,
    skipResponseCloning: true
  }
  const urlOf = (settings: Settings, path: string) => `${REST}/${settings.accountId}/${path}`
  const untouched = (action: Performers) => action
  return {
    ours: definition,
    bare: replacing(definition, (slug, action) => {
      const key = KEYS[slug]
      if (!key) return untouched(action)
      return {
        perform: (request, { payload, settings }) =>
          request(urlOf(settings, key), { ...options, body: JSON.stringify({ [key]: [payload] }) } as never),
        performBatch: async (request, { payload, settings }) => {
          const body = JSON.stringify({ batches: [{ [key]: payload }] })
          const response = await request(urlOf(settings, `${key}/batches`), { ...options, body } as never)
          return resultsOf(payload as unknown[], response.status)
        }
      }
    }),
    upstream: replacing(definition, (slug, action) => {
      const key = KEYS[slug]
      if (!key) return untouched(action)
      const shape = (payload: unknown) =>
        slug === 'identify'
          ? upstreamPerson(payload as Record<string, unknown>)
          : upstreamEvent(payload as Record<string, unknown>)
      return {
        perform: (request, { payload, settings }) =>
          request(urlOf(settings, key), { method: 'POST', json: { [key]: [shape(payload)] } } as never),
        performBatch: (request, { payload, settings }) =>
          request(urlOf(settings, `${key}/batches`), {
            method: 'POST',
            json: { batches: [{ [key]: (payload as unknown[]).map(shape) }] }
          } as never)
      }
    }),
    floor: replacing(definition, () => ({ perform: () => undefined, performBatch: () => undefined }))
  }
}

function cpuMicros(): number {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

/** The fake Drip (fake-drip.ts) in a process of its own: its URL, what it received so far, and a way to end it. */
async function startFakeDrip() {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'fake-drip.ts')],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit']
    }
  )
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the fake Drip exited (${code}) before listening`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('\n')) resolve(out.trim())
    })
  })
  child.removeAllListeners('exit')
  /** Requests received so far, by method and path (straight to its port, not through the route to Drip). */
  const stats = () =>
    new Promise<Record<string, { requests: number }>>((resolve, reject) => {
      http
        .get(`${url}/_fake/stats`, { agent: false }, (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () => resolve(JSON.parse(text)))
        })
        .on('error', reject)
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.stdin!.end()
    })
  return { url, stats, stop }
}

/** Requests received between two counts, by method and path. */
function receivedBetween(before: Record<string, { requests: number }>, after: Record<string, { requests: number }>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, { requests }]) => [key, requests - (before[key]?.requests ?? 0)] as const)
      .filter(([, n]) => n > 0)
  )
}

export type CpuKind = 'ours' | 'bare' | 'upstream' | 'floor'
export interface CpuSample {
  /** CPU µs of this process per event, one per run. */
  ours: number[]
  bare: number[]
  upstream: number[]
  floor: number[]
  /** Requests the fake Drip received in one run, by method and path: the same for ours, bare and upstream. */
  requests: Partial<Record<CpuKind, Record<string, number>>>
}

/**
 * 2. CPU microseconds of this process per event (process.cpuUsage: user + system, every thread) for identify and
 * track, single (onEvent) and batch (onBatch, 1,000 events a call), with the fake Drip answering real HTTP in a
 * process of its own (routed to, as tooling reaches Drip). Ours, the bare sender, upstream's shape and the floor
 * take turns block by block (one onBatch call, or 100 onEvent calls), in an order that rotates so none always goes
 * first, so all see the same machine weather and each pays for the garbage collection its own allocations bring on
 * (forcing a collection between blocks would charge every block for the background sweeping it leaves). One warm-up
 * run first, in which the fake Drip's counts of what each sent are taken. Every event must come back delivered.
 */
export async function cpuPerEvent(events: { single: number; batch: number }, runs: number) {
  const fake = await startFakeDrip()
  const unroute = routeDripTo(fake.url)
  const definitions = cpuDefinitions()
  const kinds = Object.keys(definitions) as CpuKind[]
  const destinations = Object.fromEntries(kinds.map((kind) => [kind, new Destination(definitions[kind])])) as Record<
    CpuKind,
    Destination<Settings>
  >
  const samples: Record<string, CpuSample> = {}
  try {
    for (const [action, make] of [
      ['identify', identifyEvent],
      ['trackEvent', trackEvent]
    ] as const) {
      for (const mode of ['single', 'batch'] as const) {
        const key = `${action} ${mode}`
        const all: SegmentEvent[] = Array.from({ length: events[mode] }, (_, i) => make(i))
        const block = mode === 'batch' ? 1000 : 100
        const blocks = Array.from({ length: Math.ceil(all.length / block) }, (_, b) =>
          all.slice(b * block, (b + 1) * block)
        )
        const settings = Object.fromEntries(
          kinds.map((kind) => [kind, settingsFor(definitions[kind], mode === 'batch', action)])
        ) as Record<CpuKind, JSONObject>
        samples[key] = { ours: [], bare: [], upstream: [], floor: [], requests: {} }
        let turn = 0
        for (let run = -1; run < runs; run++) {
          const spent: Record<CpuKind, number> = { ours: 0, bare: 0, upstream: 0, floor: 0 }
          for (const events of blocks) {
            for (let k = 0; k < kinds.length; k++) {
              const which = kinds[(k + turn) % kinds.length]
              const destination = destinations[which]
              destination.responses.length = 0
              const before = run < 0 ? await fake.stats() : undefined
              const start = cpuMicros()
              const results: unknown[] = []
              if (mode === 'batch') results.push(...(await destination.onBatch(events, settings[which])))
              else for (const event of events) results.push(await destination.onEvent(event, settings[which]))
              spent[which] += cpuMicros() - start
              if (which !== 'floor') undelivered(key, which, mode, results)
              if (before) {
                const sent = receivedBetween(before, await fake.stats())
                const sum = (samples[key].requests[which] ??= {})
                for (const [endpoint, n] of Object.entries(sent)) sum[endpoint] = (sum[endpoint] ?? 0) + n
              }
            }
            turn++
          }
          if (run >= 0) for (const which of kinds) samples[key][which].push(spent[which] / all.length)
        }
      }
    }
  } finally {
    unroute()
    await fake.stop()
  }
  return samples
}

/** Throws unless every event of a pass was delivered (a measurement of failures would measure nothing). */
function undelivered(key: string, which: CpuKind, mode: 'single' | 'batch', results: unknown[]) {
  if (mode === 'single') return // onEvent throws what was not delivered
  for (const result of results as Array<{ multistatus?: Array<{ status: number }>; status?: number }>) {
    const statuses = result.multistatus?.map((m) => m.status) ?? [result.status ?? 200]
    const failed = statuses.find((status) => status >= 300)
    if (failed !== undefined) throw new Error(`${key}: ${which} got ${failed} from the fake Drip`)
  }
}

/**
 * Connections opened for `count` single identify events sent one after another, and for `batches` batches of 20
 * (which go out as single requests, a few at once): ours through the simulator over loopback.
 */
export async function connectionsUsed(count: number, batches: number) {
  const sim = new DripSimulator({ limits: { single: 1e9, batch: 1e9 }, keepEvents: 100 })
  const unroute = routeDripTo(await sim.start())
  const destination = new Destination(definition)
  try {
    const before = sim.connectionCount
    for (let i = 0; i < count; i++)
      await destination.onEvent(identifyEvent(i), settingsFor(definition, false, 'identify'))
    const singles = sim.connectionCount - before
    const start = sim.connectionCount
    for (let b = 0; b < batches; b++) {
      const events = Array.from({ length: 20 }, (_, i) => identifyEvent(b * 20 + i))
      await destination.onBatch(events, settingsFor(definition, true, 'identify'))
    }
    return { singles, routedBatches: sim.connectionCount - start }
  } finally {
    unroute()
    await sim.stop()
  }
}

/** 3. Milliseconds to require the built package in a fresh process, next to actions-core alone. */
export function coldStart(runs: number) {
  const dist = path.join(ROOT, 'dist', 'src', 'index.js')
  if (!existsSync(dist)) throw new Error('dist/src/index.js is missing: run npm run build first (npm run bench does)')
  const timeRequire = (target: string) => {
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(target)});console.log(Number(process.hrtime.bigint()-t)/1e6)`
    return Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim())
  }
  const samples = { package: [] as number[], actionsCore: [] as number[] }
  timeRequire(dist) // warm the file cache
  for (let run = 0; run < runs; run++) {
    samples.package.push(timeRequire(dist))
    samples.actionsCore.push(timeRequire('@segment/actions-core'))
  }
  return samples
}

/** 4. The runner replaying generated NDJSON with --batch into the simulator, in a fresh process per run. */
export async function runnerScaling(sizes: number[], runs: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'actions-drip-bench-'))
  const results: Record<number, Array<{ seconds: number; maxRssMb: number; eventsPerSecond: number }>> = {}
  try {
    for (const size of sizes) {
      const file = path.join(dir, `events-${size}.ndjson`)
      await writeNdjson(file, size)
      results[size] = []
      for (let run = 0; run < runs; run++) {
        const child = spawnSync(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            path.join(__dirname, 'runner-child.ts'),
            file,
            '--batch',
            '--quiet',
            '--unlimited',
            // Half the bench's people only ever have tracks: sent as they always were, not held back.
            '--send-unidentified'
          ],
          { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }
        )
        if (child.status !== 0) throw new Error(`runner failed on ${size} events: ${child.stderr || child.stdout}`)
        const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
          seconds: number
          maxRssMb: number
          exitCode: number
        }
        if (report.exitCode !== 0) throw new Error(`runner exited ${report.exitCode} on ${size} events`)
        results[size].push({
          seconds: report.seconds,
          maxRssMb: report.maxRssMb,
          eventsPerSecond: size / report.seconds
        })
      }
      rmSync(file)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}
