import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'fs'
import path from 'path'
import { parseArgs } from 'util'
import { Destination, type DestinationDefinition } from '@segment/actions-core'
import definition from '../../src'
import type { Settings } from '../../src/generated-types'
import { redactor } from '../../src/credentials'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../simulator'
import { routeDripTo } from '../simulator/routing'
import { presetSubscriptions, readMapping, UsageError, type DripSubscription } from '../subscriptions'
import { PACKAGE_ROOT } from '../reference'
import { Checkpoint, type SavedCheckpoint } from './checkpoint'
import type { InputItem } from './input'
import {
  brokeAt,
  incompleteLine,
  planText,
  plural,
  progressLine,
  resultLine,
  stateText,
  summaryText,
  type PathOf
} from './report'
import { Runner, type EventResult, type IncompleteFile, type RunSummary } from './run'
import { inputFiles, readInputs, type InputFile } from './sources'

export const SAMPLE = path.join(PACKAGE_ROOT, 'examples', 'events.ndjson')

export const HELP = `actions-drip: replay Segment events through the Drip (Actions) destination

Usage: actions-drip [options] [INPUT]

Reads Segment events from INPUT: a file, a folder (every .ndjson, .jsonl, .json and .gz file below it, in path order,
as Segment's S3 and GCS archives lay them out by time), or stdin when INPUT is "-"; the bundled sample
(examples/events.ndjson) when there is none. NDJSON, a JSON array or pretty-printed objects; gzipped or not; UTF-8.
Each event goes through new Destination(definition) with the presets as subscriptions, the way Segment's cloud
runtime calls the destination, and on to Drip: by default an embedded Drip simulator on 127.0.0.1, so no Drip account
is needed.

Drip takes 3,600 single and 50 batch requests an hour per account. When Drip says a budget is spent, the runner stops
sending, reports what it deferred, and says how to continue; with --checkpoint a second run with the same arguments
continues where the first stopped, never sending again what Drip took.

Options:
  --batch             call onBatch per mapping, in groups of the batch size (Enable Batching? on), instead of onEvent
  --batch-size N      with --batch: events per onBatch call (default: the mapping's Batch Size, 1000)
  --mapping FILE      subscriptions to use instead of the presets: a JSON array whose entries are
                      {"preset": "Identify"} or {"partnerAction", "subscribe", "mapping"}, the mapping listing the
                      fields it changes from the action's defaults (null leaves a field out);
                      examples/subscriptions.json adds page, group and alias to the presets
  --live              send to the real Drip API, with DRIP_ACCOUNT_ID and DRIP_API_KEY from the environment (checked
                      with Drip's authentication test before the first event)
  --checkpoint FILE   record in FILE how far the replay got (per input file and item, written atomically, on
                      every way the run ends and, with --live, after every call Drip answers); a run with the same
                      input and options continues from it. With the simulator, FILE.drip.json keeps the simulated
                      account between runs, as a real account keeps its people
  --wait              when Drip's hourly budget is spent, wait for it to come back and go on (with the simulator,
                      on its clock: no real waiting) instead of stopping
  --dry-run           plan the replay without sending anything to Drip: events by action, requests by endpoint, and
                      the hours Drip's budget needs for them (the events go through the destination into a
                      throwaway simulator without limits)
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

An input file that cannot be read to its end (a gzip cut short or damaged, a read error, bytes that are not UTF-8)
is named with the line and byte it broke at; what came before is sent, and the run goes on with the next file.

Exit codes: 0 when every event that passed validation was delivered; 1 when an event failed at Drip or Drip could not
be reached (and, with --strict, when an event was rejected before sending); 2 for usage errors (an input with no
Segment event in it among them); 65 when an input file could not be read to its end (the rest was replayed; a dry run
too); 75 when the run stopped at Drip's hourly budget (run again to continue); 130 or 143 when SIGINT or SIGTERM
stopped the run (what was read is sent and reported first). Of several, the first of 130/143, 75, 1, 65 applies.
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
  let files: InputFile[]
  let checkpoint: Checkpoint
  try {
    options = parseOptions(io.argv)
    if (options.help) {
      io.stdout.write(`${HELP}\n`)
      return 0
    }
    subscriptions = options.mapping ? readMapping(definition, options.mapping) : presetSubscriptions(definition)
    files = inputFiles(options.source)
    if (options.stateOut) checkWritable(options.stateOut, '--state-out')
    if (options.checkpoint) checkWritable(options.checkpoint, '--checkpoint')
    checkpoint = Checkpoint.open(options.checkpoint, replayOf(options))
  } catch (error) {
    return usage(io, error)
  }

  let target: Target
  try {
    target = await openTarget(options, io.env, checkpoint)
  } catch (error) {
    return usage(io, error)
  }
  const output = openOutput(io, target, options)
  const stop = new AbortController()
  io.signal?.addEventListener('abort', () => stop.abort(io.signal?.reason))
  output.onClosed(() => stop.abort('EPIPE'))
  // Output that cannot be written (a full disk) stops the run as a signal does: what was delivered is recorded.
  let outputError: Error | undefined
  output.onFailed((error) => {
    outputError ??= error
    stop.abort('ERROR')
  })

  // What Drip took is recorded on every way out of the run, and along the way: with --live after every call Drip
  // answered, before the next goes; with the simulator, the simulated account and the checkpoint together, the
  // account first (it holds the checkpoint it matches: see openTarget), every second or so.
  let savedAt = Date.now()
  const persist = () => {
    if (options.dryRun || !checkpoint.changed) return
    target.keep(checkpoint)
    checkpoint.save()
    savedAt = Date.now()
  }

  const progress = progressMeter(io, files, !options.json)
  const passes: RunSummary[] = []
  let skipped = 0
  try {
    const refused = await target.check()
    if (refused) {
      io.stderr.write(`actions-drip: ${refused} Nothing was sent.\n`)
      return 1
    }
    // A run per hour of Drip's budget: with --wait, each continues from the checkpoint the last one left.
    for (;;) {
      const budget = new AbortController()
      const stopped = () => budget.abort(stop.signal.reason)
      stop.signal.addEventListener('abort', stopped)
      const runner = new Runner({
        definition: target.definition,
        settings: target.settings,
        subscriptions,
        batch: options.batch,
        batchSize: options.batchSize,
        onIncomplete: (incomplete) => output.incomplete(incomplete, progress.clear),
        onResult: (result) => {
          output.result(result, progress.clear)
          progress.result(result)
          // Drip said the budget is spent (a 429), or that this was its last request: nothing more goes this hour.
          if (result.outcome === 'deferred' || result.budgetLeft?.remaining === 0) budget.abort('BUDGET')
        },
        takenBefore: (item, subscription) => checkpoint.took(item.file, item.position, subscription),
        onTaken: (item, subscription) => {
          if (!options.dryRun) checkpoint.addPart(item.file, item.position, subscription)
        },
        onSettled: ({ file, position, delivered }) => {
          if (delivered && !options.dryRun) checkpoint.add(file, position)
        },
        afterCall: () => {
          if (Date.now() - savedAt >= target.saveEveryMs()) persist()
        }
      })
      const fresh = (item: InputItem) => Boolean(item.broken) || !checkpoint.has(item.file, item.position)
      skipped = 0
      const items = skipping(readInputs(files, io.stdin, progress.bytes), fresh, () => skipped++)
      const summary = await runner.run(items, budget.signal)
      stop.signal.removeEventListener('abort', stopped)
      passes.push(summary)
      persist()
      if (summary.interrupted !== 'BUDGET' || !options.wait) break
      progress.clear()
      io.stderr.write(`${await target.waitForBudget(stop.signal)}\n`)
      if (stop.signal.aborted) {
        summary.interrupted = String(stop.signal.reason)
        break
      }
      progress.rewind()
    }
  } catch (error) {
    // Whatever stopped the run, what Drip took so far is recorded first.
    try {
      persist()
    } catch (saving) {
      io.stderr.write(`actions-drip: the checkpoint could not be saved: ${(saving as Error).message}\n`)
    }
    progress.stop()
    await target.stop()
    return usage(io, error)
  }
  progress.stop()
  await target.stop(options.stateOut)
  const total = totals(passes, skipped)
  output.end(total, target.state())

  if (outputError) {
    const recorded = options.checkpoint ? `; ${options.checkpoint} records what Drip took` : ''
    io.stderr.write(`actions-drip: stopped: the output could not be written (${outputError.message})${recorded}.\n`)
    return 1
  }

  if (total.eventsRead === 0 && total.alreadyDelivered === 0 && !total.interrupted) {
    const broken = total.incomplete.map(brokeAt).join('; ')
    io.stderr.write(
      `actions-drip: ${options.source === '-' ? 'stdin' : options.source} holds no Segment event` +
        `${total.unparsable ? ` (${plural(total.unparsable, 'item')} could not be read as one)` : ''}` +
        `${broken ? `: ${broken}` : ''}.\n`
    )
    return 2
  }
  if (total.incomplete.length > 0 && total.interrupted !== 'EPIPE') io.stderr.write(incompleteHint(options, total))
  if (options.dryRun) {
    output.plan(total)
    return total.incomplete.length > 0 ? EXIT_INCOMPLETE : 0
  }
  if (total.interrupted === 'BUDGET') {
    io.stderr.write(continueHint(options, io.argv, target.budgetBack()))
    return 75
  }
  if (total.interrupted === 'EPIPE') return 0
  if (total.interrupted) return total.interrupted === 'SIGTERM' ? 143 : 130
  if (total.failed > 0) return 1
  if (total.incomplete.length > 0) return EXIT_INCOMPLETE
  return options.strict && (total.rejected > 0 || total.unparsable > 0) ? 1 : 0
}

/** The exit code for a run that met an input file it could not read to its end (sysexits' EX_DATAERR). */
export const EXIT_INCOMPLETE = 65

function incompleteHint(options: Options, total: Totals): string {
  const files = plural(total.incomplete.length, 'input file')
  const again = options.checkpoint
    ? ' Once it is mended (downloaded again, converted), a run with the same --checkpoint sends the rest of it, nothing twice.'
    : ''
  return (
    `actions-drip: ${files} could not be read to the end (listed in the summary); what came before each break ` +
    `${options.dryRun ? 'is in the plan' : 'was replayed'}.${again}\n`
  )
}

/** What a checkpoint is for: the input and the options that change what is sent and how. */
function replayOf(options: Options): string {
  const input = options.source === '-' ? 'stdin' : path.resolve(options.source)
  const mapping = options.mapping ? ` --mapping ${path.resolve(options.mapping)}` : ''
  return `${input}${options.batch ? ` --batch${options.batchSize ? ` --batch-size ${options.batchSize}` : ''}` : ''}${mapping}${options.live ? ' --live' : ''}`
}

/** The items `keep` says to send; `skipped` counts the others. */
async function* skipping(items: AsyncIterable<InputItem>, keep: (item: InputItem) => boolean, skipped: () => void) {
  for await (const item of items) {
    if (keep(item)) yield item
    else skipped()
  }
}

/** A replay's summary, with the items an earlier invocation already delivered (skipped from the checkpoint). */
export type Totals = RunSummary & { alreadyDelivered: number }

/**
 * The passes of one invocation (one per hour of Drip's budget with --wait) as one summary. Each pass reads again what
 * the last one did not deliver, so deliveries and requests add up, and the rest is what the last pass found.
 */
function totals(passes: RunSummary[], skippedInLast: number): Totals {
  const last = passes[passes.length - 1]
  const earlier = passes.slice(0, -1)
  const deliveredBefore = earlier.reduce((sum, pass) => sum + pass.delivered, 0)
  const total: Totals = {
    ...last,
    eventsRead: last.eventsRead + deliveredBefore,
    delivered: last.delivered + deliveredBefore,
    requests: passes.reduce((sum, pass) => sum + pass.requests, 0),
    unanswered: passes.reduce((sum, pass) => sum + pass.unanswered, 0),
    requestsByEndpoint: {},
    notes: {},
    alreadyDelivered: skippedInLast - deliveredBefore
  }
  for (const pass of passes) {
    for (const [into, from] of [
      [total.requestsByEndpoint, pass.requestsByEndpoint],
      [total.notes, pass.notes]
    ] as const) {
      for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count
    }
  }
  return total
}

function continueHint(options: Options, argv: string[], back: string): string {
  const again = `actions-drip ${argv.join(' ')}`.trim()
  if (!options.checkpoint) {
    return (
      `actions-drip: stopped at Drip's hourly budget, which comes back ${back}. Nothing records how far this run got: ` +
      `run again with --checkpoint FILE to continue from where a run stops, and --wait to wait for the budget.\n`
    )
  }
  return (
    `actions-drip: stopped at Drip's hourly budget, which comes back ${back}. ${options.checkpoint} records how far ` +
    `the replay got; continue with:\n  ${again}\n(add --wait to wait for the budget and go on to the end)\n`
  )
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
        checkpoint: { type: 'string' },
        wait: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
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
  if (values.wait && positionals[0] === '-') {
    throw new UsageError('--wait reads the input again after each hour: give a file or folder, not stdin')
  }
  if (values['dry-run'] && (values.wait || values['state-out'])) {
    throw new UsageError('--dry-run sends nothing: it takes neither --wait nor --state-out')
  }
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
    checkpoint: values.checkpoint,
    wait: values.wait,
    dryRun: values['dry-run'],
    unlimited: values.unlimited,
    eventCreatesPerson: creates !== 'no'
  }
}

/** Checked before the run, so a replay never ends in a file that cannot be written. */
function checkWritable(file: string, option: string): void {
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
  if (problem) throw new UsageError(`${option} ${file}: ${problem}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Where the events go: the embedded simulator, or the real Drip API with --live
// ---------------------------------------------------------------------------------------------------------------

interface Target {
  definition: DestinationDefinition<Settings>
  settings: Settings
  label: string
  /** Before the first event: why Drip will not take the events (the authentication test), or undefined. */
  check(): Promise<string | undefined>
  /** What the simulator holds for the account, or undefined for the real API. */
  state(): ReturnType<DripSimulator['state']>['accounts'][number] | undefined
  /**
   * Keeps what the run left in the simulated account, beside the checkpoint, for the next run, with the checkpoint
   * it matches (written before the checkpoint's own file, so a crash between the two loses nothing).
   */
  keep(checkpoint: Checkpoint): void
  /** How often to save the checkpoint during a run: after every call with --live, less often for the simulator. */
  saveEveryMs(): number
  /** When Drip's budget comes back, in words. */
  budgetBack(): string
  /** Waits until Drip's budget is back (the simulator: on its clock), and says what it waited for. */
  waitForBudget(signal: AbortSignal): Promise<string>
  /** Stops what was started, writing the simulator's state to `stateOut` first. */
  stop(stateOut?: string): Promise<void>
}

const HOUR_MS = 60 * 60 * 1000
/** With the simulator, the account and checkpoint are saved together this often, or so that saving takes a tenth. */
const SIMULATOR_SAVE_EVERY_MS = 1000
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16)

async function openTarget(options: Options, env: NodeJS.ProcessEnv, checkpoint: Checkpoint): Promise<Target> {
  if (options.live && !options.dryRun) {
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
    const settings = { accountId: accountId!, apiKey: apiKey! }
    const live = definition
    // Drip's window is its own: the budget is whole again at the latest an hour after it ran out.
    let spentAt = 0
    return {
      definition: live,
      settings,
      label: 'Drip API (live)',
      async check() {
        try {
          await new Destination(live).testAuthentication(settings)
          return undefined
        } catch (error) {
          const said = redactor(apiKey!)((error as Error).message)
            .replace(/^Credentials are invalid: (\d+ )?/, '')
            .trim()
          return `Drip's authentication test failed before the first event: ${said.replace(/\.?$/, '.')}`
        }
      },
      state: () => undefined,
      keep: () => undefined,
      saveEveryMs: () => 0,
      budgetBack() {
        spentAt ||= Date.now()
        return `by ${clock(spentAt + HOUR_MS)} UTC`
      },
      async waitForBudget(signal) {
        spentAt ||= Date.now()
        const until = spentAt + HOUR_MS
        spentAt = 0
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, until - Date.now()))
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
        })
        return `  waited for Drip's hourly budget until ${clock(until)} UTC; going on`
      },
      stop: async () => undefined
    }
  }
  // The runner reads what Drip holds, never the requests it received: keep none of those. A dry run plans on a
  // simulator without limits.
  const unlimited = options.unlimited || options.dryRun
  const simulator = new DripSimulator({
    keepRequests: 0,
    eventCreatesPerson: options.eventCreatesPerson,
    ...(unlimited ? { limits: { single: Infinity, batch: Infinity } } : {})
  })
  // The simulated account outlives a run, as a real one does: kept beside the checkpoint.
  const kept = checkpoint.file && !options.dryRun ? `${checkpoint.file}.drip.json` : undefined
  if (kept && existsSync(kept)) {
    simulator.load(kept)
    // The checkpoint saved with the account is never behind the checkpoint's file, and matches the account exactly.
    checkpoint.adopt((JSON.parse(readFileSync(kept, 'utf8')) as { checkpoint?: SavedCheckpoint }).checkpoint)
  }
  let keepMs = 0
  // The destination addresses Drip; this process's requests to Drip go to the simulator instead.
  const unroute = routeDripTo(await simulator.start())
  return {
    definition,
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    label: options.dryRun
      ? 'a throwaway Drip simulator (dry run: nothing is sent to Drip)'
      : `Drip simulator at ${simulator.url}`,
    check: async () => undefined,
    state: () => simulator.state().accounts.find((a) => a.id === DEMO_ACCOUNT_ID),
    keep(checkpoint) {
      if (!kept) return
      const started = Date.now()
      writeFileSync(`${kept}.writing`, JSON.stringify({ ...simulator.state(), checkpoint: checkpoint.saved() }))
      renameSync(`${kept}.writing`, kept)
      keepMs = Date.now() - started
    },
    saveEveryMs: () => Math.max(SIMULATOR_SAVE_EVERY_MS, 10 * keepMs),
    budgetBack: () => `in ${Math.ceil(simulator.budgetBackInMs() / 60_000)} minutes (the simulator's hour)`,
    async waitForBudget() {
      const wait = simulator.budgetBackInMs()
      simulator.advanceClock(wait)
      return `  Drip's hourly budget was spent: waited ${Math.ceil(wait / 60_000)} minutes on the simulator's clock; going on`
    },
    async stop(stateOut) {
      try {
        if (stateOut) simulator.dump(stateOut)
      } finally {
        unroute()
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
  /** An input file that broke partway, when it did. */
  incomplete(incomplete: IncompleteFile, beforeLine: () => void): void
  end(summary: Totals, state: ReturnType<Target['state']>): void
  /** What a dry run found the replay needs. */
  plan(summary: Totals): void
  /** Called when the reader of stdout went away (`| head`). */
  onClosed(handler: () => void): void
  /** Called when stdout cannot be written (a full disk), with why. */
  onFailed(handler: (error: Error) => void): void
}

function openOutput(io: CliIO, target: Target, options: Options): Output {
  const safe = redactor(target.settings.apiKey)
  const mode = options.batch ? 'onBatch' : 'onEvent'
  let closed = false
  const closedHandlers: Array<() => void> = []
  const failedHandlers: Array<(error: Error) => void> = []
  io.stdout.on('error', (error: NodeJS.ErrnoException) => {
    closed = true
    if (error.code === 'EPIPE') closedHandlers.forEach((handler) => handler())
    else failedHandlers.forEach((handler) => handler(error))
  })
  const write = (text: string) => {
    if (!closed) io.stdout.write(`${safe(text)}\n`)
  }
  const onClosed = (handler: () => void) => closedHandlers.push(handler)
  const onFailed = (handler: (error: Error) => void) => failedHandlers.push(handler)

  if (options.json) {
    return {
      onClosed,
      onFailed,
      result: (result) => write(JSON.stringify({ kind: 'result', ...result })),
      incomplete: (incomplete) => write(JSON.stringify({ kind: 'incomplete', ...incomplete })),
      plan: (summary) => write(JSON.stringify({ kind: 'plan', requestsByEndpoint: summary.requestsByEndpoint })),
      end(summary, state) {
        const target = options.live ? 'live' : 'simulator'
        write(JSON.stringify({ kind: 'summary', target, mode, ...summary }))
        if (!state || options.dryRun) return
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
  // Events of a folder are shown with the file they came from; lines that are not events, by path and line.
  const folder = options.source !== '-' && existsSync(options.source) && statSync(options.source).isDirectory()
  const pathOf: PathOf = (file) =>
    options.source === '-' ? 'stdin' : folder && file ? path.join(options.source, file) : options.source
  if (!options.quiet) write(`Replaying ${source} via ${mode} → ${target.label}\n`)
  const shown = (outcome: EventResult['outcome']) =>
    !options.quiet || outcome === 'rejected' || outcome === 'failed' || outcome === 'unparsable'
  return {
    onClosed,
    onFailed,
    result(result, beforeLine) {
      if (!shown(result.outcome)) return
      beforeLine()
      write(resultLine(result, folder, pathOf))
    },
    incomplete(incomplete, beforeLine) {
      beforeLine()
      write(incompleteLine(incomplete))
    },
    plan: (summary) => write(planText(summary, summary.alreadyDelivered)),
    end(summary, state) {
      write(summaryText(summary, { target: target.label, mode }))
      if (state && !options.quiet && !options.dryRun) {
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
 * Progress on stderr when it is a terminal and the input is large: bytes read of the input's size, events, their rate,
 * what Drip says is left of this hour's budget, and the time left at this rate. `clear` wipes the bar before an event
 * line is printed to the same terminal, and the next tick draws it again below.
 */
function progressMeter(io: CliIO, files: InputFile[], enabled: boolean) {
  const total = files.reduce((sum, file) => sum + file.size, 0) || undefined
  let bytes = 0
  let events = 0
  let drawn = false
  let started = Date.now()
  const budget: { single?: number; batch?: number } = {}
  const show = enabled && io.stderr.isTTY && (total === undefined || total > 1_000_000)
  const draw = () => {
    const seconds = (Date.now() - started) / 1000
    io.stderr.write(`\r\x1b[K${progressLine({ bytes, total, events, seconds, budget })}`)
    drawn = true
  }
  const timer = show ? setInterval(draw, 250) : undefined
  return {
    bytes: (count: number) => {
      bytes += count
    },
    result(result: EventResult) {
      events++
      if (result.budgetLeft) budget[result.budgetLeft.kind] = result.budgetLeft.remaining
    },
    /** Wipes the bar before a line is printed. */
    clear() {
      // Only when the lines go to the same terminal as the bar.
      if (drawn && io.stdout.isTTY) {
        io.stderr.write('\r\x1b[K')
        drawn = false
      }
    },
    /** The input is read again from its start (the next hour of a --wait replay). */
    rewind() {
      bytes = 0
      started = Date.now()
    },
    stop() {
      if (!timer) return
      clearInterval(timer)
      draw()
      io.stderr.write(`\n  done: ${plural(events, 'event')}\n`)
    }
  }
}
