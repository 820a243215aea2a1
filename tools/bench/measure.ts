import { execFileSync, spawnSync } from 'child_process'
import { existsSync, mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { Destination } from '@segment/actions-core'
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

/** The destination with HTTP stubbed, and the runtime floor: the same actions and fields doing nothing. */
function cpuDefinitions() {
  const real = createDefinition('http://stub.invalid')
  const withStub = (def: DestinationDefinition<Settings>, floor: boolean): DestinationDefinition<Settings> => ({
    ...def,
    actions: Object.fromEntries(
      Object.entries(def.actions).map(([slug, action]) => [
        slug,
        {
          ...action,
          perform: floor
            ? () => undefined
            : (_request: RequestClient, data: never) => action.perform(stubRequest, data),
          performBatch: floor
            ? () => undefined
            : (_request: RequestClient, data: never) => action.performBatch!(stubRequest, data)
        }
      ])
    ) as DestinationDefinition<Settings>['actions']
  })
  return { ours: withStub(real, false), floor: withStub(real, true) }
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
  const { ours, floor } = cpuDefinitions()
  const destinations = { ours: new Destination(ours), floor: new Destination(floor) }
  const samples: Record<string, { ours: number[]; floor: number[] }> = {}
  for (const [action, make] of [
    ['identify', identifyEvent],
    ['trackEvent', trackEvent]
  ] as const) {
    const events: SegmentEvent[] = Array.from({ length: eventsPerRun }, (_, i) => make(i))
    for (const mode of ['single', 'batch'] as const) {
      const key = `${action} ${mode}`
      samples[key] = { ours: [], floor: [] }
      // A warm-up pass each, then alternate so both see the same machine weather.
      for (let run = -1; run < runs; run++) {
        for (const which of ['ours', 'floor'] as const) {
          const destination = destinations[which]
          const settings = settingsFor(which === 'ours' ? ours : floor, mode === 'batch', action)
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
