import { accessSync, constants, createReadStream, existsSync, statSync } from 'fs'
import path from 'path'
import { Transform } from 'stream'
import { parseArgs } from 'util'
import type { DestinationDefinition } from '@segment/actions-core'
import definition, { createDefinition } from '../../src'
import type { Settings } from '../../src/generated-types'
import { redactor } from '../../src/drip-api'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../simulator'
import { presetSubscriptions, readMapping, UsageError, type DripSubscription } from '../subscriptions'
import { PACKAGE_ROOT } from '../reference'
import { readEvents } from './input'
import { plural, progressLine, resultLine, stateText, summaryText } from './report'
import { Runner, type EventResult, type RunSummary } from './run'

export const SAMPLE = path.join(PACKAGE_ROOT, 'examples', 'events.ndjson')

export const HELP = `actions-drip: replay Segment events through the Drip (Actions) destination

Usage: actions-drip [options] [FILE]

Reads Segment events (NDJSON, or a JSON array) from FILE, or from stdin when FILE is "-", or the bundled sample
(examples/events.ndjson) when there is neither. Each event goes through new Destination(definition) with the presets
as subscriptions, the way Segment's cloud runtime calls the destination, and on to Drip: by default an embedded Drip
simulator on 127.0.0.1, so no Drip account is needed.

Options:
  --batch             call onBatch per mapping, in groups of the batch size (Enable Batching? on), instead of onEvent
  --batch-size N      with --batch: events per onBatch call (default: the mapping's Batch Size, 1000)
  --mapping FILE      subscriptions to use instead of the presets: a JSON array whose entries are
                      {"preset": "Identify"} or {"partnerAction", "subscribe", "mapping"}, the mapping listing the
                      fields it changes from the action's defaults (null leaves a field out);
                      examples/subscriptions.json adds page, group and alias to the presets
  --live              send to the real Drip API, with DRIP_ACCOUNT_ID and DRIP_API_KEY from the environment
  --json              print NDJSON: a line per event result, then the summary, then what Drip holds
  --quiet             print only events that were rejected or failed, and the summary
  --strict            also exit 1 when any event was rejected before sending
  --state-out FILE    write the simulator's state (people, events) to FILE as JSON
  --unlimited         simulator only: do not apply Drip's hourly limits (3,600 single, 50 batch requests), for
                      replays larger than an hour of Drip's budget
  --event-creates-person yes|no
                      simulator only: whether an event or tag for an email Drip does not know creates the person
                      (subscribed). Drip's reference does not say; the simulator assumes yes
  -h, --help          show this help

Exit codes: 0 when every event that passed validation was delivered; 1 when an event failed at Drip or Drip could not
be reached (and, with --strict, when an event was rejected before sending); 2 for usage errors; 130 or 143 when
SIGINT or SIGTERM stopped the run (what was read is sent and reported first).
The API key is never printed.`

export interface CliIO {
  argv: string[]
  env: NodeJS.ProcessEnv
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  /** Aborted with the signal's name (SIGINT, SIGTERM) to stop the run. */
  signal?: AbortSignal
}

type Options = ReturnType<typeof parseOptions>

export async function main(io: CliIO): Promise<number> {
  let options: Options
  let subscriptions: DripSubscription[]
  try {
    options = parseOptions(io.argv)
    if (options.help) {
      io.stdout.write(`${HELP}\n`)
      return 0
    }
    subscriptions = options.mapping ? readMapping(definition, options.mapping) : presetSubscriptions(definition)
    checkInput(options.source)
    if (options.stateOut) checkWritable(options.stateOut)
  } catch (error) {
    return usage(io, error)
  }

  let target: Target
  try {
    target = await openTarget(options, io.env)
  } catch (error) {
    return usage(io, error)
  }
  const output = openOutput(io, target, options)
  const stop = new AbortController()
  io.signal?.addEventListener('abort', () => stop.abort(io.signal?.reason))
  output.onClosed(() => stop.abort('EPIPE'))

  let summary: RunSummary
  const progress = progressMeter(io, options.source, !options.json)
  try {
    const runner = new Runner({
      definition: target.definition,
      settings: target.settings,
      subscriptions,
      batch: options.batch,
      batchSize: options.batchSize,
      onResult: (result) => output.result(result, progress.clear)
    })
    const input = options.source === '-' ? io.stdin : createReadStream(options.source)
    summary = await runner.run(readEvents(input.pipe(progress.counter) as never), stop.signal)
  } finally {
    progress.stop()
    await target.stop(options.stateOut)
  }
  output.end(summary, target.state())

  if (summary.interrupted === 'EPIPE') return 0
  if (summary.interrupted) return summary.interrupted === 'SIGTERM' ? 143 : 130
  if (summary.failed > 0) return 1
  return options.strict && (summary.rejected > 0 || summary.unparsable > 0) ? 1 : 0
}

function usage(io: CliIO, error: unknown): number {
  if (!(error instanceof UsageError)) throw error
  io.stderr.write(`actions-drip: ${error.message}\nRun actions-drip --help for usage.\n`)
  return 2
}

function parseOptions(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({
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
        'event-creates-person': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) throw new UsageError('give at most one input file')
  const size = values['batch-size']
  if (size !== undefined) {
    if (!values.batch) throw new UsageError('--batch-size goes with --batch')
    if (!(Number.isInteger(Number(size)) && Number(size) >= 1 && Number(size) <= 1000)) {
      throw new UsageError('--batch-size takes a whole number from 1 to 1000')
    }
  }
  if (values.live && values.unlimited) throw new UsageError('--unlimited is for the simulator, not --live')
  if (values.live && values['state-out']) throw new UsageError('--state-out is for the simulator, not --live')
  const creates = values['event-creates-person']
  if (creates !== undefined && creates !== 'yes' && creates !== 'no') {
    throw new UsageError('--event-creates-person takes yes or no')
  }
  if (values.live && creates !== undefined)
    throw new UsageError('--event-creates-person is for the simulator, not --live')
  return {
    help: values.help,
    source: positionals[0] ?? SAMPLE,
    batch: values.batch,
    batchSize: size === undefined ? undefined : Number(size),
    mapping: values.mapping,
    live: values.live,
    json: values.json,
    quiet: values.quiet,
    strict: values.strict,
    stateOut: values['state-out'],
    unlimited: values.unlimited,
    eventCreatesPerson: creates !== 'no'
  }
}

function checkInput(source: string): void {
  if (source === '-') return
  if (!existsSync(source)) throw new UsageError(`no such input file: ${source}`)
  if (statSync(source).isDirectory()) throw new UsageError(`${source} is a directory; give a file of Segment events`)
  try {
    accessSync(source, constants.R_OK)
  } catch {
    throw new UsageError(`cannot read ${source}`)
  }
}

/** Checked before the run, so a replay never ends in a state file that cannot be written. */
function checkWritable(file: string): void {
  const problem = (() => {
    if (existsSync(file)) {
      if (statSync(file).isDirectory()) return 'it is a directory'
      try {
        accessSync(file, constants.W_OK)
      } catch {
        return 'it is not writable'
      }
      return undefined
    }
    const dir = path.dirname(path.resolve(file))
    if (!existsSync(dir)) return `${dir} does not exist`
    try {
      accessSync(dir, constants.W_OK)
    } catch {
      return `${dir} is not writable`
    }
    return undefined
  })()
  if (problem) throw new UsageError(`--state-out ${file}: ${problem}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Where the events go: the embedded simulator, or the real Drip API with --live
// ---------------------------------------------------------------------------------------------------------------

interface Target {
  definition: DestinationDefinition<Settings>
  settings: Settings
  label: string
  /** What the simulator holds for the account, or undefined for the real API. */
  state(): ReturnType<DripSimulator['state']>['accounts'][number] | undefined
  /** Stops what was started, writing the simulator's state to `stateOut` first. */
  stop(stateOut?: string): Promise<void>
}

async function openTarget(options: Options, env: NodeJS.ProcessEnv): Promise<Target> {
  if (options.live) {
    const accountId = env.DRIP_ACCOUNT_ID?.trim()
    const apiKey = env.DRIP_API_KEY?.trim()
    const missing = [!accountId && 'DRIP_ACCOUNT_ID', !apiKey && 'DRIP_API_KEY'].filter(Boolean)
    if (missing.length > 0) {
      throw new UsageError(`--live needs ${missing.join(' and ')} in the environment; nothing was sent.`)
    }
    if (!/^\d+$/.test(accountId!)) {
      throw new UsageError(
        `--live: DRIP_ACCOUNT_ID must be your numeric Drip account id (the number after https://www.getdrip.com/); nothing was sent.`
      )
    }
    return {
      definition,
      settings: { accountId: accountId!, apiKey: apiKey! },
      label: 'Drip API (live)',
      state: () => undefined,
      stop: async () => undefined
    }
  }
  // The runner reads what Drip holds, never the requests it received: keep none of those.
  const simulator = new DripSimulator({
    keepRequests: 0,
    eventCreatesPerson: options.eventCreatesPerson,
    ...(options.unlimited ? { limits: { single: Infinity, batch: Infinity } } : {})
  })
  const apiBaseUrl = await simulator.start()
  return {
    definition: createDefinition(apiBaseUrl),
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    label: `Drip simulator at ${simulator.url}`,
    state: () => simulator.state().accounts.find((a) => a.id === DEMO_ACCOUNT_ID),
    async stop(stateOut) {
      try {
        if (stateOut) simulator.dump(stateOut)
      } finally {
        await simulator.stop()
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the user sees: lines for a person, or NDJSON
// ---------------------------------------------------------------------------------------------------------------

interface Output {
  result(result: EventResult, beforeLine: () => void): void
  end(summary: RunSummary, state: ReturnType<Target['state']>): void
  /** Called when the reader of stdout went away (`| head`). */
  onClosed(handler: () => void): void
}

function openOutput(io: CliIO, target: Target, options: Options): Output {
  const safe = redactor(target.settings.apiKey)
  const mode = options.batch ? 'onBatch' : 'onEvent'
  let closed = false
  const closedHandlers: Array<() => void> = []
  io.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    closed = true
    closedHandlers.forEach((handler) => handler())
  })
  const write = (text: string) => {
    if (!closed) io.stdout.write(`${safe(text)}\n`)
  }
  const onClosed = (handler: () => void) => closedHandlers.push(handler)

  if (options.json) {
    return {
      onClosed,
      result: (result) => write(JSON.stringify({ kind: 'result', ...result })),
      end(summary, state) {
        const target = options.live ? 'live' : 'simulator'
        write(JSON.stringify({ kind: 'summary', target, mode, ...summary }))
        if (!state) return
        write(
          JSON.stringify({
            kind: 'drip',
            account: state.id,
            people: state.people.length,
            events: state.event_count,
            assumed: { eventCreatesPerson: options.eventCreatesPerson }
          })
        )
        for (const person of state.people) write(JSON.stringify({ kind: 'person', ...person }))
        for (const event of state.events) write(JSON.stringify({ kind: 'event', ...event }))
        for (const record of state.shopper_activity) write(JSON.stringify(record))
      }
    }
  }

  const source = options.source === SAMPLE ? 'the sample events' : options.source
  if (!options.quiet) write(`Replaying ${source} via ${mode} → ${target.label}\n`)
  const shown = (outcome: EventResult['outcome']) =>
    !options.quiet || outcome === 'rejected' || outcome === 'failed' || outcome === 'unparsable'
  return {
    onClosed,
    result(result, beforeLine) {
      if (!shown(result.outcome)) return
      beforeLine()
      write(resultLine(result))
    },
    end(summary, state) {
      write(summaryText(summary, { target: target.label, mode }))
      if (state && !options.quiet) {
        write(stateText(state.people, state.events, state.event_count, state.shopper_activity))
        write(
          options.eventCreatesPerson
            ? '\n  Assumed: an event or tag for an email Drip does not know creates the person, subscribed (Drip does not\n' +
                '  document it); --event-creates-person no shows the other case.'
            : '\n  Assumed: an event or tag for an email Drip does not know creates nobody (--event-creates-person no).'
        )
      }
    }
  }
}

/**
 * Counts bytes as they stream by and draws a progress bar on stderr when it is a terminal; `clear` wipes the bar
 * before an event line is printed to the same terminal, and the next tick draws it again below.
 */
function progressMeter(io: CliIO, source: string, enabled: boolean) {
  const total = source === '-' ? undefined : statSync(source).size
  let bytes = 0
  let lines = 0
  let drawn = false
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
      callback(null, chunk)
    }
  })
  const show = enabled && io.stderr.isTTY && (total === undefined || total > 1_000_000)
  const draw = () => {
    io.stderr.write(`\r${progressLine(bytes, total, lines)}`)
    drawn = true
  }
  const timer = show ? setInterval(draw, 250) : undefined
  return {
    counter,
    clear() {
      if (drawn && io.stdout.isTTY) {
        io.stderr.write('\r\x1b[K')
        drawn = false
      }
    },
    stop() {
      if (!timer) return
      clearInterval(timer)
      draw()
      io.stderr.write(`\n  done: ${plural(lines, 'line')} read\n`)
    }
  }
}
