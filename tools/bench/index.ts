import { writeFileSync } from 'fs'
import os from 'os'
import { parseArgs } from 'util'
import { coldStart, connectionsUsed, cpuPerEvent, requestsSpent, runnerScaling } from './measure'
import { BATCH_WINDOW_MS, STRATEGIES, trafficSimulation, type Source } from './traffic'
import {
  BENCH_CHAOS,
  chaosRun,
  chaosTable,
  refusedRecordCost,
  SEGMENT_ATTEMPTS,
  WAYS,
  type ChaosReport,
  type WayReport
} from './chaos'

// `npm run bench`: what this destination costs, measured side by side in one run.
//   1. Drip requests per 10,000 events (5,000 identify + 5,000 track), and per 5,000 orders, batching off and on
//   2. CPU per event for identify and track, single and batch, as ratios to a bare sender sending the same requests,
//      with a fake Drip in its own process; connections per single requests
//   3. cold start: requiring the built package next to actions-core alone
//   4. the runner: events per second and peak memory replaying 100,000 and 1,000,000 events with --batch
//   5. traffic: what each way of choosing endpoints serves of Drip's hourly budgets, simulated Segment sources
//   6. refused records and faults: what isolating a record Drip refuses costs, and a chaos run at 0, 10 and 30% faults,
//      the same events through onBatch and through onEvent
// `--smoke` runs every measurement on tiny inputs (npm test does, so the benchmark cannot rot); `--out FILE` writes
// the figures as JSON. Nothing is written into the repository unless asked.

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    out: { type: 'string' },
    runs: { type: 'string' },
    help: { type: 'boolean', short: 'h' }
  }
})

if (values.help) {
  console.log('npm run bench [-- --smoke] [-- --runs N] [-- --out FILE]')
  process.exit(0)
}

const smoke = Boolean(values.smoke)
const runs = Number(values.runs ?? (smoke ? 1 : 5))
const perAction = smoke ? 100 : 5000
const cpuEvents = smoke ? { single: 100, batch: 1000 } : { single: 1000, batch: 10_000 }
const runnerSizes = smoke ? [200, 2000] : [100_000, 1_000_000]
const runnerRuns = smoke ? 1 : 2

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const spread = (xs: number[], digits = 1) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')

async function main() {
  const lines: string[] = []
  const say = (line = '') => {
    lines.push(line)
    console.log(line)
  }
  const machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version }
  say(`actions-drip benchmark${smoke ? ' (smoke: tiny inputs, figures mean nothing)' : ''}`)
  say(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}; medians (min–max) over ${runs} runs`)

  // 1. Requests
  const requests = await requestsSpent(perAction)
  const total = perAction * 2
  const ours = {
    single: requests.identify.single + requests.trackEvent.single,
    batched: requests.identify.batched + requests.trackEvent.batched
  }
  // The existing destination sends every track event alone (it has no track batching).
  const existing = { single: total, batched: Math.ceil(perAction / 1000) + perAction }
  const cap = Math.ceil(perAction / 1000)
  const orders = requests.orderActivity
  say()
  say(`1. Drip requests for ${total.toLocaleString('en-US')} events (${perAction} identify + ${perAction} track)`)
  say(`   batching off: ${ours.single} (identify ${requests.identify.single}, track ${requests.trackEvent.single})`)
  say(
    `   batching on:  ${ours.batched} (identify ${requests.identify.batched}, track ${requests.trackEvent.batched}); ` +
      `target ≤ ${cap} per action: ${verdict(requests.identify.batched <= cap && requests.trackEvent.batched <= cap)}`
  )
  say(
    `   the existing destination, batching on: ${existing.batched} (track events one request each): ` +
      `${(existing.batched / ours.batched).toFixed(0)}x ours`
  )
  say(
    `   ${(perAction * 2).toLocaleString('en-US')} Order Completed to Shopper Activity: batching off ${orders.single}, ` +
      `batching on ${orders.batched}; target ≤ ${cap * 2}: ${verdict(orders.batched <= cap * 2)}`
  )

  // 2. CPU
  const cpu = await cpuPerEvent(cpuEvents, runs)
  say()
  say(
    `2. CPU µs per event of the destination's process (process.cpuUsage, user + system), a fake Drip answering real ` +
      `HTTP in its own process; ${cpuEvents.single} onEvent and ${cpuEvents.batch} onBatch events (1,000 a call) ` +
      'per run, ours, bare, upstream and floor taking turns block by block; bare = a bare sender, the least code ' +
      "that sends the same requests through actions-core's request client (the payloads JSON.stringify'd into " +
      "Drip's body, one result each), upstream = the shape of segmentio/action-destinations' Drip, floor = the " +
      'runtime with actions that send nothing'
  )
  const cpuRows: Record<string, Record<string, number>> = {}
  const sameRequests = Object.values(cpu).every(
    ({ requests }) =>
      JSON.stringify(requests.ours) === JSON.stringify(requests.bare) &&
      JSON.stringify(requests.ours) === JSON.stringify(requests.upstream)
  )
  for (const [key, sample] of Object.entries(cpu)) {
    const ratio = (of: number[]) => of.map((o, i) => o / sample.bare[i])
    const ours = ratio(sample.ours)
    cpuRows[key] = {
      ours: median(sample.ours),
      bare: median(sample.bare),
      upstream: median(sample.upstream),
      floor: median(sample.floor),
      oursToBare: median(ours),
      upstreamToBare: median(ratio(sample.upstream))
    }
    const target = key.endsWith('batch') ? `; target ≤ 1.15: ${verdict(median(ours) <= 1.15)}` : ''
    say(
      `   ${key.padEnd(18)} ours ${spread(sample.ours)}  bare ${spread(sample.bare)}  upstream ${spread(sample.upstream)}  ` +
        `floor ${spread(sample.floor)}`
    )
    say(
      `   ${''.padEnd(18)} ours/bare ${spread(ours, 2)}  upstream/bare ${spread(ratio(sample.upstream), 2)}  ` +
        `floor/bare ${spread(ratio(sample.floor), 2)}${target}`
    )
  }
  const perRun = (key: string) =>
    Object.entries(cpu[key].requests.ours ?? {})
      .map(([endpoint, n]) => `${n} ${endpoint}`)
      .join(', ')
  say(
    `   requests per run, the same for ours, bare and upstream: ${verdict(sameRequests)} (identify: ` +
      `${perRun('identify single')} single, ${perRun('identify batch')} batched)`
  )
  const connections = await connectionsUsed(smoke ? 100 : 1000, smoke ? 2 : 10)
  say(
    `   connections to Drip: ${connections.singles} for ${smoke ? 100 : 1000} single identify requests one after ` +
      `another, ${connections.routedBatches} for ${smoke ? 2 : 10} batches of 20 sent as single requests (4 at once); ` +
      `target ≤ 4: ${verdict(connections.singles <= 4 && connections.routedBatches <= 4)}`
  )

  // 3. Cold start
  const cold = coldStart(smoke ? 2 : 9)
  const added = cold.package.map((p, i) => p - cold.actionsCore[i])
  say()
  say('3. Cold start: ms to require() in a fresh process')
  say(`   dist/src/index.js ${spread(cold.package)}  actions-core alone ${spread(cold.actionsCore)}`)
  say(`   added by this package ${spread(added)}; target < 20 ms: ${verdict(median(added) < 20)}`)

  // 4. Runner
  const runner = await runnerScaling(runnerSizes, runnerRuns)
  say()
  say(
    `4. Runner: npm start -- FILE --batch --quiet --unlimited into the simulator, fresh process per run (${runnerRuns} runs)`
  )
  for (const size of runnerSizes) {
    const samples = runner[size]
    say(
      `   ${size.toLocaleString('en-US').padStart(9)} events: ${spread(
        samples.map((s) => s.eventsPerSecond),
        0
      )} events/s, ` + `peak RSS ${spread(samples.map((s) => s.maxRssMb))} MB`
    )
  }
  const [small, large] = runnerSizes
  const rssRatio = median(runner[large].map((s) => s.maxRssMb)) / median(runner[small].map((s) => s.maxRssMb))
  say(
    `   peak RSS ${large.toLocaleString('en-US')} / ${small.toLocaleString('en-US')}: ${rssRatio.toFixed(2)}; target ≤ 1.2: ${verdict(rssRatio <= 1.2)}`
  )

  // 5. Traffic
  const sources: Source[] = smoke
    ? [
        { name: 'steady 10/min', perMinute: 10, bursty: false },
        { name: 'bursty 100/min', perMinute: 100, bursty: true }
      ]
    : [
        ...[1, 10, 60, 100, 1000].map((perMinute) => ({ name: `steady ${perMinute}/min`, perMinute, bursty: false })),
        ...[10, 100, 1000].map((perMinute) => ({ name: `bursty ${perMinute}/min`, perMinute, bursty: true })),
        // A warehouse model's nightly sync of 100,000 rows (Reverse ETL), all handed over at once.
        { name: 'nightly sync 100k', perMinute: 100_000 / 60, bursty: true, nightly: true }
      ]
  const traffic = await trafficSimulation(sources, 1)
  say()
  say(
    `5. Traffic: an hour of each source (half identify, half track) through each strategy, virtual time; Segment hands ` +
      `over an action's events when 1,000 have gathered or ${BATCH_WINDOW_MS / 1000} s after the first`
  )
  say('   source            strategy                delivered   429s  single budget  batch budget')
  for (const { source, strategy, outcome } of traffic) {
    say(
      `   ${source.name.padEnd(17)} ${strategy.padEnd(23)} ${String(outcome.delivered).padStart(9)} ${String(outcome.refused).padStart(6)}` +
        `  ${(outcome.singleShare * 100).toFixed(0).padStart(12)}%  ${(outcome.batchShare * 100).toFixed(0).padStart(11)}%`
    )
  }
  const served = (strategy: string, bursty: boolean) =>
    traffic
      .filter((t) => t.strategy === strategy && t.source.bursty === bursty && t.outcome.refused === 0)
      .reduce((most, t) => Math.max(most, t.source.perMinute), 0)
  for (const strategy of STRATEGIES) {
    const steady = served(strategy, false)
    say(
      `   ${strategy}: busiest steady source with no 429 ${steady}/min (${((steady * 60 * 100) / 53_600).toFixed(1)}% of ` +
        `Drip's 53,600 records an hour), busiest bursty ${served(strategy, true)}/min`
    )
  }
  const routed = STRATEGIES[2]
  const coversBoth = traffic
    .filter((t) => t.strategy !== routed && t.outcome.refused === 0)
    .every((t) => traffic.find((u) => u.strategy === routed && u.source === t.source)!.outcome.refused === 0)
  say(`   ours serves every source either fixed strategy serves: ${verdict(coversBoth)}`)

  // 6. Refused records and faults
  const one = await refusedRecordCost(1000, [700])
  const every = await refusedRecordCost(
    1000,
    Array.from({ length: 8 }, (_, i) => 62 + i * 125)
  )
  say()
  say('6. Refused records: a batch Drip refuses for a record it does not name, isolated within the call')
  say(
    `   1 refused in a batch of 1,000 identify: ${one.batch} batch requests (1 + ${one.batch - 1}), ${one.single} single; ` +
      `${one.delivered} delivered, ${one.failed} failed; the documented bound (1 + 4 batch, 250 single): ` +
      verdict(one.batch <= 5 && one.single <= 250 && one.delivered === 999)
  )
  say(
    `   8 refused, one in every eighth of the batch (the worst case): ${every.batch} batch requests (1 + ${every.batch - 1}), ` +
      `${every.single} single; ${every.delivered} delivered, ${every.failed} failed; bound (1 + 6 batch, 1,000 single): ` +
      verdict(every.batch <= 7 && every.single <= 1000 && every.delivered === 992)
  )
  // About 20,000 events, 0.6% of them refused: the same events through onBatch and through onEvent.
  const { perKind, refusedEvery, batchSize, seed, rates } = smoke ? { ...BENCH_CHAOS, perKind: 100 } : BENCH_CHAOS
  const chaos: ChaosReport[] = []
  for (const rate of rates) {
    chaos.push(await chaosRun({ batched: perKind, alone: perKind, refusedEvery, rate, seed, batchSize }))
  }
  say(
    `   chaos: ${(perKind * 3).toLocaleString('en-US')} events (identify, track, orders: ${perKind} each), the same ` +
      `through onBatch (batches of ${batchSize}) and through onEvent, 1 person in ${refusedEvery} refused by Drip, a ` +
      `share of requests failing; Segment's ${SEGMENT_ATTEMPTS} attempts (tools/bench/chaos.ts)`
  )
  for (const line of chaosTable(chaos)) say(`   ${line}`)
  // What the destination answers for: a good record batched with refused ones is as likely to land as one sent alone
  // (Segment's 5 attempts bound both), and nothing is lost or misreported.
  const clean = (w: WayReport) => w.lost.length === 0 && w.refusedMisreported.length === 0
  for (const r of chaos.filter((c) => c.rate > 0)) {
    say(
      `   at ${r.rate * 100}%: good events out of attempts, onBatch ${r.onBatch!.exhausted} ≤ onEvent ` +
        `${r.onEvent!.exhausted}, none failed otherwise, nothing lost or misreported: ${verdict(
          r.onBatch!.exhausted <= r.onEvent!.exhausted &&
            WAYS.every((way) => clean(r[way]!) && r[way]!.goodFailed.length === r[way]!.exhausted)
        )}`
    )
  }

  if (values.out) {
    const report = {
      machine,
      smoke,
      runs,
      requests: { ours, perAction: requests, existing },
      cpu: cpuRows,
      cpuSamples: cpu,
      connections,
      coldStart: cold,
      runner,
      rssRatio,
      traffic: traffic.map(({ source, strategy, outcome }) => ({ source: source.name, strategy, ...outcome })),
      trafficCoversBoth: coversBoth,
      refusedRecords: { one, every },
      chaos: chaos.map(({ rate, refusedEvery, ...ways }) => ({
        rate,
        refusedEvery,
        ...Object.fromEntries(
          Object.entries(ways).map(([way, { goodFailed, refusedMisreported, lost, ...figures }]) => [
            way,
            {
              ...figures,
              goodFailed: goodFailed.length,
              refusedMisreported: refusedMisreported.length,
              lost: lost.length
            }
          ])
        )
      }))
    }
    writeFileSync(values.out, JSON.stringify(report, null, 2))
    say(`\nwrote ${values.out}`)
  }
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).stack ?? error}`)
  process.exit(1)
})
