import { createReadStream, existsSync, readFileSync, statSync } from 'fs'
import path from 'path'
import { Transform } from 'stream'
import { parseArgs } from 'util'
import type { JSONObject } from '@segment/actions-core'
import { parseFql } from '@segment/destination-subscriptions'
import definition, { createDefinition } from '../../src'
import type { Settings } from '../../src/generated-types'
import { redactor } from '../../src/drip-api'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../simulator'
import { presetSubscriptions, type DripSubscription } from '../subscriptions'
import { PACKAGE_ROOT } from '../reference'
import { readEvents } from './input'
import { progressLine, resultLine, stateText, summaryText } from './report'
import { Runner, type EventResult } from './run'

export const SAMPLE = path.join(PACKAGE_ROOT, 'examples', 'events.ndjson')

export const HELP = `actions-drip: replay Segment events through the Drip (Actions) destination

Usage: actions-drip [options] [FILE]

Reads Segment events (NDJSON, or a JSON array) from FILE, or from stdin when FILE is "-", or the bundled sample
(examples/events.ndjson) when there is neither. Each event goes through new Destination(definition) with the presets
as subscriptions, the way Segment's cloud runtime calls the destination, and on to Drip: by default an embedded Drip
simulator on 127.0.0.1, so no Drip account is needed.

Options:
  --batch             call onBatch per mapping, in groups of the batch size (Enable Batching? on), instead of onEvent
  --batch-size N      events per onBatch call (default: the mapping's Batch Size, 1000)
  --mapping FILE      subscriptions to use instead of the presets: a JSON array whose entries are
                      {"preset": "Identify"} or {"partnerAction", "subscribe", "mapping"} (the mapping as Segment
                      stores it); examples/subscriptions.json adds page, group and alias to the presets
  --live              send to the real Drip API, with DRIP_ACCOUNT_ID and DRIP_API_KEY from the environment
  --json              print the results, the summary and Drip's state as one JSON document
  --quiet             print only events that were rejected or failed, and the summary
  --strict            also exit 1 when any event was rejected before sending
  --state-out FILE    write the simulator's state (people, events) to FILE as JSON
  --unlimited         simulator only: do not apply Drip's hourly limits (3,600 single, 50 batch requests), for
                      replays larger than an hour of Drip's budget
  -h, --help          show this help

Exit codes: 0 when every event that passed validation was delivered; 1 when an event failed at Drip or Drip could not
be reached (and, with --strict, when an event was rejected before sending); 2 for usage errors.
The API key is never printed.`

export class UsageError extends Error {}

interface CliIO {
  argv: string[]
  env: NodeJS.ProcessEnv
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export async function main(io: CliIO): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(io.argv)
  } catch (error) {
    io.stderr.write(`actions-drip: ${(error as Error).message}\nRun actions-drip --help for usage.\n`)
    return 2
  }
  if (args.values.help) {
    io.stdout.write(`${HELP}\n`)
    return 0
  }
  const { values, positionals } = args
  const write = (text: string) => io.stdout.write(`${text}\n`)

  let subscriptions: DripSubscription[]
  try {
    subscriptions = values.mapping ? readMapping(values.mapping) : presetSubscriptions(definition)
  } catch (error) {
    io.stderr.write(`actions-drip: ${(error as Error).message}\n`)
    return 2
  }
  const source = positionals[0] ?? SAMPLE
  if (source !== '-' && !existsSync(source)) {
    io.stderr.write(`actions-drip: no such input file: ${source}\n`)
    return 2
  }

  let settings: Settings
  let simulator: DripSimulator | undefined
  let apiBaseUrl: string | undefined
  if (values.live) {
    const accountId = io.env.DRIP_ACCOUNT_ID?.trim()
    const apiKey = io.env.DRIP_API_KEY?.trim()
    const missing = [!accountId && 'DRIP_ACCOUNT_ID', !apiKey && 'DRIP_API_KEY'].filter(Boolean)
    if (missing.length > 0) {
      io.stderr.write(`actions-drip: --live needs ${missing.join(' and ')} in the environment; nothing was sent.\n`)
      return 2
    }
    settings = { accountId: accountId!, apiKey: apiKey! }
  } else {
    // The runner reads what Drip holds, never the requests it received: keep none of those.
    simulator = new DripSimulator({
      keepRequests: 0,
      ...(values.unlimited ? { limits: { single: Infinity, batch: Infinity } } : {})
    })
    apiBaseUrl = await simulator.start()
    settings = { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN }
  }
  const target = simulator ? `Drip simulator at ${simulator.url}` : 'Drip API (live)'
  const mode = values.batch ? 'onBatch' : 'onEvent'
  const results: EventResult[] = []
  const safe = redactor(settings.apiKey)

  if (!values.json && !values.quiet)
    write(`Replaying ${source === SAMPLE ? 'the sample events' : source} via ${mode} → ${target}\n`)
  const runner = new Runner({
    definition: apiBaseUrl ? createDefinition(apiBaseUrl) : definition,
    settings,
    subscriptions,
    batch: values.batch,
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    onResult: (result) => {
      const clean = result.message ? { ...result, message: safe(result.message) } : result
      if (values.json) results.push(clean)
      else if (
        !values.quiet ||
        clean.outcome === 'rejected' ||
        clean.outcome === 'failed' ||
        clean.outcome === 'unparsable'
      )
        write(resultLine(clean))
    }
  })

  const input = source === '-' ? io.stdin : createReadStream(source)
  const progress = progressMeter(io, source, !values.json)
  let summary
  try {
    summary = await runner.run(readEvents(input.pipe(progress.counter) as unknown as NodeJS.ReadableStream as never))
  } finally {
    progress.stop()
    if (values['state-out'] && simulator) simulator.dump(values['state-out'])
    await simulator?.stop()
  }

  const state = simulator?.state().accounts.find((a) => a.id === settings.accountId)
  if (values.json) {
    write(
      safe(
        JSON.stringify(
          { target: simulator ? 'simulator' : 'live', mode, results, summary, drip: state ?? null },
          null,
          2
        )
      )
    )
  } else {
    write(safe(summaryText(summary, { target, mode })))
    if (state) write(stateText(state.people, state.events, state.event_count))
  }
  const unreachable = summary.failed > 0
  return unreachable || (values.strict && (summary.rejected > 0 || summary.unparsable > 0)) ? 1 : 0
}

function parse(argv: string[]) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      batch: { type: 'boolean' },
      'batch-size': { type: 'string' },
      mapping: { type: 'string' },
      live: { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      strict: { type: 'boolean' },
      'state-out': { type: 'string' },
      unlimited: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (parsed.positionals.length > 1) throw new UsageError('give at most one input file')
  const size = parsed.values['batch-size']
  if (size !== undefined && !(Number.isInteger(Number(size)) && Number(size) >= 1 && Number(size) <= 1000)) {
    throw new UsageError('--batch-size takes a whole number from 1 to 1000')
  }
  return parsed
}

/**
 * Subscriptions from a JSON file: each entry is either `{"preset": "<preset name>"}` (the destination's preset as
 * Segment sets it up) or `{"partnerAction", "subscribe", "mapping"}` with the mapping exactly as Segment stores it
 * (fields left out are not sent).
 */
export function readMapping(file: string): DripSubscription[] {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`--mapping ${file}: ${(error as Error).message}`)
  }
  if (!Array.isArray(value)) throw new UsageError(`--mapping ${file}: expected a JSON array of subscriptions`)
  const presets = presetSubscriptions(definition)
  return value.map((entry: Partial<DripSubscription> & { preset?: string }, i) => {
    if (entry.preset !== undefined) {
      const preset = presets.find((p) => p.name === entry.preset)
      if (!preset) {
        throw new UsageError(
          `--mapping ${file}: entry ${i + 1} names no preset "${entry.preset}" (${presets.map((p) => p.name).join(', ')})`
        )
      }
      return preset
    }
    if (!entry.partnerAction || !definition.actions[entry.partnerAction]) {
      throw new UsageError(
        `--mapping ${file}: entry ${i + 1} names no known action (${Object.keys(definition.actions).join(', ')})`
      )
    }
    if (typeof entry.subscribe !== 'string')
      throw new UsageError(`--mapping ${file}: entry ${i + 1} has no "subscribe" FQL`)
    const fql = parseFql(entry.subscribe)
    // The parser's own message is an internal one ("Cannot read properties of undefined"): say what is wrong instead.
    if ('error' in fql) throw new UsageError(`--mapping ${file}: entry ${i + 1}: "${entry.subscribe}" is not valid FQL`)
    return {
      name: entry.name,
      partnerAction: entry.partnerAction,
      subscribe: entry.subscribe,
      mapping: (entry.mapping as JSONObject) ?? {}
    }
  })
}

/** Counts bytes as they stream by and draws a progress bar on stderr when it is a terminal. */
function progressMeter(io: CliIO, source: string, enabled: boolean) {
  const total = source === '-' ? undefined : statSync(source).size
  let bytes = 0
  let lines = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
      callback(null, chunk)
    }
  })
  const show = enabled && io.stderr.isTTY && (total === undefined || total > 1_000_000)
  const timer = show ? setInterval(() => io.stderr.write(`\r${progressLine(bytes, total, lines)}`), 250) : undefined
  return {
    counter,
    stop() {
      if (timer) {
        clearInterval(timer)
        io.stderr.write(`\r${progressLine(bytes, total, lines)}\n`)
      }
    }
  }
}
