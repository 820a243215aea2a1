import { execFileSync, spawnSync } from 'child_process'
import { existsSync, mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { Destination, MultiStatusResponse } from '@segment/actions-core'
import type {
  DestinationDefinition,
  JSONObject,
  ModifiedResponse,
  RequestClient,
  SegmentEvent
} from '@segment/actions-core'
import { createDefinition } from '../../src'
import type { Settings } from '../../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../simulator'
import { presetSubscriptions } from '../subscriptions'
import { identifyEvent, orderEvent, trackEvent, writeNdjson } from './events'
import { upstreamEvent, upstreamPerson } from '../upstream-shape'

// The four measurements of `npm run bench`. Each returns raw samples; index.ts summarises them.

const ROOT = path.join(__dirname, '..', '..')
const settingsFor = (definition: DestinationDefinition<Settings>, batching: boolean, only: string) =>
  ({
    accountId: DEMO_ACCOUNT_ID,
    apiKey: DEMO_API_TOKEN,
    subscriptions: presetSubscriptions(definition, { only, mapping: { [only]: { enable_batching: batching } } })
  }) as unknown as JSONObject

/** 1. Drip requests for `perAction` identify and track events each and twice as many orders, alone and batched. */
export async function requestsSpent(perAction: number) {
  const sim = new DripSimulator({ limits: { single: 1e9, batch: 1e9 }, keepEvents: 100 })
  const definition = createDefinition(await sim.start())
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
    await sim.stop()
  }
  return result
}

/** A request client that answers at once, so only the runtime's and the destination's CPU is measured. */
const stubRequest = (async (_url: string, options?: { json?: unknown }) =>
  ({
    status: 200,
    content: '{}',
    data: {},
    headers: new Headers(),
    ok: true,
    json: options?.json
  }) as unknown as ModifiedResponse) as unknown as RequestClient

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

/** One success per payload, as a batch answers. */
function successes(payloads: unknown[]) {
  const results = new MultiStatusResponse()
  payloads.forEach((payload, index) =>
    results.setSuccessResponseAtIndex(index, { status: 200, sent: payload as JSONObject, body: {} })
  )
  return results
}

/**
 * The definitions CPU is compared across, all on the same fields and runtime with HTTP stubbed:
 * - ours: the destination;
 * - bare: a bare sender, the honest floor for a destination that sends: JSON.stringify the payloads into one
 *   request, one success per payload;
 * - upstream: the shape of segmentio/action-destinations' Drip: its person() mapping and `json` requests (its Track
 *   Event has no batch; its style is kept for one);
 * - floor: the runtime alone, actions that do nothing.
 */
function cpuDefinitions() {
  const real = createDefinition('http://stub.invalid')
  const url = 'http://stub.invalid/v2/1/records'
  const send = (body: unknown) => stubRequest(url, { method: 'POST', body: JSON.stringify(body) } as never)
  return {
    ours: replacing(real, (_slug, action) => ({
      perform: (_request, data) => action.perform(stubRequest, data),
      performBatch: (_request, data) => action.performBatch!(stubRequest, data)
    })),
    bare: replacing(real, () => ({
      perform: (_request, { payload }) => send({ records: [payload] }),
      performBatch: async (_request, { payload }) => {
        await send({ batches: [{ records: payload }] })
        return successes(payload as unknown[])
      }
    })),
    upstream: replacing(real, (slug) => {
      const shape = (payload: Record<string, unknown>) =>
        slug === 'identify' ? upstreamPerson(payload) : upstreamEvent(payload)
      const key = slug === 'identify' ? 'subscribers' : 'events'
      return {
        perform: (_request, { payload }) =>
          stubRequest(url, { method: 'POST', json: { [key]: [shape(payload as Record<string, unknown>)] } } as never),
        performBatch: (_request, { payload }) =>
          stubRequest(url, {
            method: 'POST',
            json: { batches: [{ [key]: (payload as Array<Record<string, unknown>>).map(shape) }] }
          } as never)
      }
    }),
    floor: replacing(real, () => ({ perform: () => undefined, performBatch: () => undefined }))
  }
}

function cpuMicros(): number {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

/**
 * 2. CPU microseconds per event for each action, single and batch, ours and the floor, measured alternately in this
 * process (`runs` samples each).
 */
export async function cpuPerEvent(eventsPerRun: number, runs: number) {
  const definitions = cpuDefinitions()
  const kinds = Object.keys(definitions) as Array<keyof typeof definitions>
  const destinations = Object.fromEntries(kinds.map((kind) => [kind, new Destination(definitions[kind])]))
  const samples: Record<string, Record<(typeof kinds)[number], number[]>> = {}
  for (const [action, make] of [
    ['identify', identifyEvent],
    ['trackEvent', trackEvent]
  ] as const) {
    const events: SegmentEvent[] = Array.from({ length: eventsPerRun }, (_, i) => make(i))
    for (const mode of ['single', 'batch'] as const) {
      const key = `${action} ${mode}`
      samples[key] = { ours: [], bare: [], upstream: [], floor: [] }
      // A warm-up pass each, then interleave so all see the same machine weather.
      for (let run = -1; run < runs; run++) {
        for (const which of kinds) {
          const destination = destinations[which]
          const settings = settingsFor(definitions[which], mode === 'batch', action)
          const start = cpuMicros()
          if (mode === 'single') for (const event of events) await destination.onEvent(event, settings)
          else
            for (let i = 0; i < events.length; i += 1000) await destination.onBatch(events.slice(i, i + 1000), settings)
          const perEvent = (cpuMicros() - start) / events.length
          if (run >= 0) samples[key][which].push(perEvent)
        }
      }
    }
  }
  return samples
}

/**
 * Connections opened for `count` single identify events sent one after another, and for `batches` batches of 20
 * (which go out as single requests, a few at once): ours through the simulator over loopback.
 */
export async function connectionsUsed(count: number, batches: number) {
  const sim = new DripSimulator({ limits: { single: 1e9, batch: 1e9 }, keepEvents: 100 })
  const definition = createDefinition(await sim.start())
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
            '--unlimited'
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
