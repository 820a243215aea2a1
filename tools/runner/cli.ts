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
import {
  AHEAD,
  aheadItems,
  Consent,
  HELD_STDIN,
  HELD_UNIDENTIFIED,
  indexArchive,
  People,
  streamOrdered,
  textBytesOf,
  type ArchiveIndex
} from './consent'
import {
  brokeAt,
  budgetOf,
  incompleteLine,
  planNumbers,
  planText,
  plural,
  progressLine,
  resultLine,
  stateText,
  summaryText,
  heldPeopleInWords,
  type HeldCounts,
  type PathOf,
  type PlanFacts,
  type SimulatorClock
} from './report'
import { Runner, type EventResult, type IncompleteFile, type ItemRef, type RunItem, type RunSummary } from './run'
import { EVENT_FILES_IN_WORDS, inputFiles, readInputs, type InputFile } from './sources'

export const SAMPLE = path.join(PACKAGE_ROOT, 'examples', 'events.ndjson')

export const HELP = `actions-drip: replay Segment events through the Drip (Actions) destination

Usage: actions-drip [options] [INPUT]
       npm start -- [options] [INPUT]      (in a clone; npm start -s -- ... prints nothing of npm's own)

Reads Segment events from INPUT: a file, a folder (every ${EVENT_FILES_IN_WORDS} file below it, in path order,
as Segment's S3 and GCS archives lay them out by time), or stdin when INPUT is "-"; the bundled sample
(examples/events.ndjson) when there is none. NDJSON, a JSON array or pretty-printed objects; gzipped or not (told by
the first bytes, whatever the name); UTF-8. Each event goes through new Destination(definition) with the presets as
subscriptions, the way Segment's cloud runtime calls the destination, and on to Drip: by default an embedded Drip
simulator on 127.0.0.1, so no Drip account is needed.

Nobody becomes a marketing subscriber their own history does not make one: each person's first identify (with its
Initial Status) is sent before anything else of theirs, wherever it is in the input (a file or folder is read once
first to find them), and the calls of people the input never identifies are held back, counted, unless
--send-unidentified is given (Drip would create those people from their calls). See docs/backfill.md.

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
  --send-unidentified send the calls of people the input never identifies too (Drip creates each of them from
                      their first call); held back and counted by default
  --dry-run           plan the replay without sending anything to Drip: it runs into a throwaway simulator at
                      Drip's limits, hour after hour, so its requests are those a run makes; prints events to send,
                      requests by endpoint, the hours of Drip's budget, and the input's first and last event
  --per-event         with --dry-run: a line per event too (what would be sent, rejected or held back)
  --json              print NDJSON: a line per event result, then the summary (a dry run: the plan), then what
                      Drip holds. Under npm, use npm start -s -- --json, or npm's own lines come first
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
  /** How the command was started (`node dist/tools/runner/bin.js`), for the commands it suggests; see commandLine. */
  program?: string
}

type Options = ReturnType<typeof parseOptions>

export async function main(io: CliIO): Promise<number> {
  let options: Options
  let subscriptions: DripSubscription[]
  let files: InputFile[]
  let checkpoint: Checkpoint
  let people: People
  try {
    options = parseOptions(io.argv)
    if (options.help) {
      io.stdout.write(`${HELP}\n`)
      return 0
    }
    subscriptions = options.mapping ? readMapping(definition, options.mapping) : presetSubscriptions(definition)
    people = new People(definition, subscriptions)
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
  // account first (it holds the checkpoint it matches: see openTarget), every second or so. A dry run records what
  // its throwaway account took in memory only, so that its next hour goes on from there, as a real run's does.
  let savedAt = Date.now()
  const persist = () => {
    if (options.dryRun || !checkpoint.changed) return
    target.keep(checkpoint)
    checkpoint.save()
    savedAt = Date.now()
  }
  // What this invocation settled for good (taken, refused, held...): a later hour does not send or show it again.
  const seen = Checkpoint.open(undefined, 'this run')
  const ref = (item: ItemRef): [string | undefined, number] =>
    item.ahead !== undefined ? [AHEAD, item.ahead] : [item.file, item.position]
  const done = (file: string | undefined, position: number) =>
    checkpoint.has(file, position) || seen.has(file, position)

  const progress = progressMeter(io, files, !options.json)
  const passes: Pass[] = []
  let index: ArchiveIndex | undefined
  const hold = !options.sendUnidentified
  const heldOnStdin = { heldPeople: new Set<string>() }
  const consent = new Consent(people, hold)
  // Calls held back because their person has no identify (before them, on stdin): the rest wait for a first identify.
  const heldCalls = { unidentifiedEvents: 0 }
  try {
    const refused = await target.check()
    if (refused) {
      io.stderr.write(`actions-drip: ${refused} Nothing was sent.\n`)
      return 1
    }
    // A file or folder is read once first, to find each person's first identify (see consent.ts).
    if (options.source !== '-' && (people.identifying || hold)) {
      progress.phase('finding first identifies')
      const read = until(readInputs(files, io.stdin, progress.bytes), stop.signal)
      index = await indexArchive(read, people, { textBytes: textBytesOf(files) })
      progress.rewind()
      // Damage is named as soon as it is found, before anything is sent.
      for (const incomplete of index.incomplete) output.incomplete(incomplete, progress.clear)
      if (stop.signal.aborted) {
        index.close()
        progress.stop()
        await target.stop()
        io.stderr.write(
          `actions-drip: stopped by ${String(stop.signal.reason)} while reading the input; nothing was sent.\n`
        )
        return exitOnSignal(String(stop.signal.reason))
      }
    }
    progress.phase('sending')
    // A run per hour of Drip's budget: with --wait (and in a dry run), each continues from where the last one left.
    for (;;) {
      const budget = new AbortController()
      const stopped = () => budget.abort(stop.signal.reason)
      stop.signal.addEventListener('abort', stopped)
      const counts = { retried: 0, alreadyDelivered: 0 }
      const runner = new Runner({
        definition: target.definition,
        settings: target.settings,
        subscriptions,
        batch: options.batch,
        batchSize: options.batchSize,
        onIncomplete: (incomplete) => {
          if (!index) output.incomplete(incomplete, progress.clear)
        },
        onResult: (result) => {
          consent.result(result)
          if (result.outcome === 'held' && (result.message === HELD_UNIDENTIFIED || result.message === HELD_STDIN)) {
            heldCalls.unidentifiedEvents++
          }
          output.result(result, progress.clear)
          progress.result(result)
          // Drip said the budget is spent (a 429), or that this was its last request: nothing more goes this hour.
          if (result.outcome === 'deferred' || result.budgetLeft?.remaining === 0) budget.abort('BUDGET')
        },
        takenBefore: (item, key) => checkpoint.took(...ref(item), key),
        settledBefore: (item, key) => seen.took(...ref(item), key),
        onTaken: (item, key) => checkpoint.addPart(...ref(item), key),
        onFinal: (item, key) => seen.addPart(...ref(item), key),
        onSettled: (item) => {
          if (item.delivered) checkpoint.add(...ref(item))
          if (item.final) seen.add(...ref(item))
          else if (item.ahead === undefined) counts.retried++
        },
        afterCall: () => {
          if (Date.now() - savedAt >= target.saveEveryMs()) persist()
        }
      })
      progress.watch(runner.summary)
      // First identifies first; then the input, each item marked as the index says.
      if (index) {
        const skip = (rank: number, at: { file?: string; position: number }) => {
          if (seen.has(AHEAD, rank)) return true
          const before = checkpoint.has(AHEAD, rank) || checkpoint.has(at.file, at.position)
          if (before) counts.alreadyDelivered++
          return before
        }
        const ahead = aheadItems(index, skip, (rank, email) => consent.expect(rank, email))
        await runner.run(ahead, budget.signal)
      }
      if (!budget.signal.aborted) {
        progress.rewind()
        const read = readInputs(files, io.stdin, progress.bytes)
        const items = index
          ? consent.ordered(read, index)
          : options.source === '-'
            ? streamOrdered(read, people, hold, heldOnStdin)
            : read
        const fresh = (item: RunItem) => {
          if (item.broken || !done(item.file, item.position)) return true
          // A first identify sent ahead was counted where it was skipped ahead.
          if (!seen.has(item.file, item.position) && !item.sentAhead) counts.alreadyDelivered++
          return false
        }
        await runner.run(skipping(items, fresh), budget.signal)
      }
      const summary = runner.summary
      stop.signal.removeEventListener('abort', stopped)
      passes.push({ summary, ...counts })
      persist()
      if (summary.interrupted !== 'BUDGET' || !(options.wait || (options.dryRun && !options.unlimited))) break
      progress.clear()
      const waited = await target.waitForBudget(stop.signal)
      if (!options.dryRun) io.stderr.write(`${waited}\n`)
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
    index?.close()
    await target.stop()
    return usage(io, error)
  }
  index?.close()
  progress.stop()
  const clock = target.clock()
  await target.stop(options.stateOut)
  const total = totals(passes)
  if (index) total.incomplete = index.incomplete
  const held: HeldCounts = index
    ? { ...heldCalls, events: total.held, people: hold ? index.unidentified : 0, undelivered: consent.undelivered }
    : { ...heldCalls, events: total.held, people: heldOnStdin.heldPeople.size, undelivered: 0, stdin: true }
  const plan: PlanFacts = {
    ahead: index?.ahead ?? 0,
    held,
    first: index?.first,
    last: index?.last,
    files: files.length,
    items: index?.items,
    budgetHours: clock?.budgetHours,
    unlimited: Boolean(options.unlimited)
  }
  output.end(total, target.state(), plan, clock)

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
  if (held.events > 0 && total.interrupted !== 'EPIPE') io.stderr.write(heldHint(options, io, held))
  if (options.dryRun) return total.incomplete.length > 0 ? EXIT_INCOMPLETE : 0
  if (total.interrupted === 'BUDGET') {
    io.stderr.write(continueHint(options, io, target.budgetBack()))
    return 75
  }
  if (total.interrupted === 'EPIPE') return 0
  if (total.interrupted) return exitOnSignal(total.interrupted)
  if (total.failed > 0) return 1
  if (total.incomplete.length > 0) return EXIT_INCOMPLETE
  return options.strict && (total.rejected > 0 || total.unparsable > 0) ? 1 : 0
}

/** The exit code for a run a signal stopped. */
const exitOnSignal = (reason: string) => (reason === 'SIGTERM' ? 143 : 130)

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

function heldHint(options: Options, io: CliIO, held: HeldCounts): string {
  const lines: string[] = []
  if (held.people > 0) {
    const sendThem = commandLine(io, [...io.argv.filter((arg) => arg !== '--send-unidentified'), '--send-unidentified'])
    const file = held.stdin
      ? " Give the file instead of stdin to have each person's first identify sent before their other calls."
      : ''
    lines.push(
      `actions-drip: ${options.dryRun ? 'would hold' : 'held'} back ${plural(held.unidentifiedEvents, 'call')} of ` +
        `${heldPeopleInWords(held)}: Drip would create each of them from such a call (see docs/backfill.md), which ` +
        `their own history does not ask for.${file} To send them all the same:\n  ${sendThem}\n` +
        (options.checkpoint ? `(with the same --checkpoint, that sends only what was held back and not sent)\n` : '')
    )
  }
  if (held.undelivered > 0) {
    lines.push(
      `actions-drip: the first identify of ${plural(held.undelivered, 'person', 'people')} was not delivered (see ` +
        `their results): their other calls were held back, so that Drip does not create them without it. A run ` +
        `again sends them once it is.\n`
    )
  }
  return lines.join('')
}

/** What a checkpoint is for: the input and the options that change what is sent and how. */
function replayOf(options: Options): string {
  const input = options.source === '-' ? 'stdin' : path.resolve(options.source)
  const mapping = options.mapping ? ` --mapping ${path.resolve(options.mapping)}` : ''
  return `${input}${options.batch ? ` --batch${options.batchSize ? ` --batch-size ${options.batchSize}` : ''}` : ''}${mapping}${options.live ? ' --live' : ''}`
}

/** The items `keep` says to send. */
async function* skipping(items: AsyncIterable<RunItem>, keep: (item: RunItem) => boolean) {
  for await (const item of items) if (keep(item)) yield item
}

/** The items until `signal` aborts. */
async function* until<T>(items: AsyncIterable<T>, signal: AbortSignal) {
  for await (const item of items) {
    if (signal.aborted) return
    yield item
  }
}

/** One hour of Drip's budget: its runner's summary, the items it left to the next, those skipped from the checkpoint. */
interface Pass {
  summary: RunSummary
  /** Items it settled without a final outcome (failed, deferred): the next pass reads them again. */
  retried: number
  /** Items skipped because an earlier invocation delivered them. */
  alreadyDelivered: number
}

/** A replay's summary, with the items an earlier invocation already delivered (skipped from the checkpoint). */
export type Totals = RunSummary & { alreadyDelivered: number }

/**
 * The passes of one invocation (one per hour of Drip's budget with --wait, and in a dry run) as one summary. What a
 * pass settled for good (delivered, rejected, held, skipped, unparsable) is never sent or shown again, so those add
 * up; what failed or was deferred is read again by the next, so those are what the last pass found.
 */
function totals(passes: Pass[]): Totals {
  const last = passes[passes.length - 1].summary
  const summaries = passes.map((pass) => pass.summary)
  const sum = (count: (summary: RunSummary) => number) => summaries.reduce((n, summary) => n + count(summary), 0)
  const total: Totals = {
    ...last,
    eventsRead: sum((s) => s.eventsRead) - passes.slice(0, -1).reduce((n, pass) => n + pass.retried, 0),
    unparsable: sum((s) => s.unparsable),
    delivered: sum((s) => s.delivered),
    rejected: sum((s) => s.rejected),
    skipped: sum((s) => s.skipped),
    // Calls held for now are read again by the next pass, as failures are: the last pass says how they ended.
    held: sum((s) => s.held) - summaries.slice(0, -1).reduce((n, s) => n + s.heldForNow, 0),
    sentAhead: sum((s) => s.sentAhead),
    requests: sum((s) => s.requests),
    unanswered: sum((s) => s.unanswered),
    requestsByEndpoint: {},
    notes: {},
    reasons: {},
    alreadyDelivered: passes[passes.length - 1].alreadyDelivered
  }
  const add = (into: Record<string, number>, from: Record<string, number>, sign = 1) => {
    for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + sign * count
  }
  for (const summary of summaries) {
    add(total.requestsByEndpoint, summary.requestsByEndpoint)
    add(total.notes, summary.notes)
    add(total.reasons, summary.reasons)
  }
  // An earlier pass's failures were tried again: the last pass says how they ended.
  for (const summary of summaries.slice(0, -1)) add(total.reasons, summary.failures, -1)
  for (const [reason, count] of Object.entries(total.reasons)) if (count <= 0) delete total.reasons[reason]
  return total
}

/**
 * The command the user ran, with `args`: `npm start -- …` in a clone, `npx actions-drip …` where the package is
 * installed, or the program itself as it was started. Arguments a shell would split are quoted.
 */
export function commandLine(io: Pick<CliIO, 'env' | 'program'>, args: string[]): string {
  const quoted = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
  const { npm_lifecycle_event: event, npm_lifecycle_script: script, npm_package_name: name } = io.env
  let program: string
  if (event === 'start' && name === 'actions-drip') {
    program = `npm start${io.env.npm_config_loglevel === 'silent' ? ' -s' : ''}${args.length > 0 ? ' --' : ''}`
  } else if (
    (event === 'npx' && /^'?actions-drip\b/.test(script ?? '')) ||
    (io.program && /[\\/]node_modules[\\/]/.test(io.program))
  ) {
    program = 'npx actions-drip'
  } else program = io.program ? `node ${path.relative(process.cwd(), io.program) || io.program}` : 'actions-drip'
  return [program, ...quoted].join(' ')
}

function continueHint(options: Options, io: CliIO, back: string): string {
  const again = commandLine(io, io.argv)
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
        'send-unidentified': { type: 'boolean' },
        'per-event': { type: 'boolean' },
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
  if (values['per-event'] && !values['dry-run']) {
    throw new UsageError('--per-event is for --dry-run: a run prints a line per event already (--quiet: fewer)')
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
    // Stdin is read once: a dry run of it cannot go on hour after hour, so it works the hours out instead.
    unlimited: values.unlimited || (values['dry-run'] && positionals[0] === '-'),
    eventCreatesPerson: creates !== 'no',
    sendUnidentified: values['send-unidentified'],
    perEvent: values['per-event']
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
  /** The simulator's clock: the hours of Drip's budget the run's requests fell in; undefined for the real API. */
  clock(): SimulatorClock | undefined
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
      stop: async () => undefined,
      clock: () => undefined
    }
  }
  // The runner reads what Drip holds, never the requests it received: keep none of those. A dry run plans on a
  // throwaway simulator at Drip's limits (unless --unlimited), going on after each hour as --wait does.
  const unlimited = options.unlimited
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
    },
    clock: () => ({ budgetHours: simulator.budgetHours(DEMO_ACCOUNT_ID), aheadMs: simulator.clockAheadMs })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the user sees: lines for a person, or NDJSON
// ---------------------------------------------------------------------------------------------------------------

interface Output {
  result(result: EventResult, beforeLine: () => void): void
  /** An input file that broke partway, when it did. */
  incomplete(incomplete: IncompleteFile, beforeLine: () => void): void
  /** The summary (a dry run's plan), then what Drip holds. */
  end(summary: Totals, state: ReturnType<Target['state']>, plan: PlanFacts, clock?: SimulatorClock): void
  /** Called when the reader of stdout went away (`| head`). */
  onClosed(handler: () => void): void
  /** Called when stdout cannot be written (a full disk), with why. */
  onFailed(handler: (error: Error) => void): void
}

/** Whose calls were held back, for --json: people the input never identifies, people whose first identify failed. */
const heldPeople = (held: HeldCounts) => ({ heldPeople: held.people, firstIdentifyNotDelivered: held.undelivered })

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
  // A dry run shows a line per event only when asked (--per-event), and never one the next simulated hour sends;
  // lines that are not events are findings about the input, shown as in a run.
  const shownInDryRun = (outcome: EventResult['outcome']) =>
    outcome === 'unparsable' || (options.perEvent && outcome !== 'deferred')

  if (options.json) {
    return {
      onClosed,
      onFailed,
      result(result) {
        if (!options.dryRun || shownInDryRun(result.outcome)) write(JSON.stringify({ kind: 'result', ...result }))
      },
      incomplete: (incomplete) => write(JSON.stringify({ kind: 'incomplete', ...incomplete })),
      end(summary, state, plan, clock) {
        const target = options.live && !options.dryRun ? 'live' : 'simulator'
        // `failures` is the part of `reasons` a later hour tries again (see totals): not for the reader.
        const { delivered, ...rest } = { ...summary, failures: undefined }
        if (options.dryRun) {
          const { single, batch, hours } = planNumbers(summary, plan)
          write(
            JSON.stringify({
              kind: 'plan',
              mode,
              ...rest,
              wouldSend: delivered,
              singleRequests: single,
              batchRequests: batch,
              budgetHours: hours,
              firstIdentifies: plan.ahead,
              ...heldPeople(plan.held),
              files: plan.files,
              items: plan.items,
              first: plan.first,
              last: plan.last
            })
          )
          return
        }
        const simulator = clock ? { simulator: { budgetHours: clock.budgetHours, clockAheadMs: clock.aheadMs } } : {}
        write(
          JSON.stringify({ kind: 'summary', target, mode, delivered, ...rest, ...heldPeople(plan.held), ...simulator })
        )
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
  // Events of a folder are shown with the file they came from; lines that are not events, by path and line.
  const folder = options.source !== '-' && existsSync(options.source) && statSync(options.source).isDirectory()
  const pathOf: PathOf = (file) =>
    options.source === '-' ? 'stdin' : folder && file ? path.join(options.source, file) : options.source
  // A dry run's plan follows at once, unless lines per event come first.
  const gap = options.dryRun && !options.perEvent ? '' : '\n'
  if (!options.quiet)
    write(`${options.dryRun ? 'Planning' : 'Replaying'} ${source} via ${mode} → ${target.label}${gap}`)
  const shown = (outcome: EventResult['outcome']) =>
    options.dryRun
      ? shownInDryRun(outcome)
      : !options.quiet || outcome === 'rejected' || outcome === 'failed' || outcome === 'unparsable'
  return {
    onClosed,
    onFailed,
    result(result, beforeLine) {
      if (!shown(result.outcome)) return
      beforeLine()
      write(resultLine(result, folder, pathOf, options.dryRun))
    },
    incomplete(incomplete, beforeLine) {
      beforeLine()
      write(incompleteLine(incomplete))
    },
    end(summary, state, plan, clock) {
      if (options.dryRun) {
        write(planText(summary, plan))
        return
      }
      write(summaryText(summary, { target: target.label, mode, held: plan.held, clock }))
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
 * Progress on stderr when it is a terminal and the input is large: bytes read of the input's size, events, their rate
 * over the whole run (waits for Drip's budget included), what Drip says is left of this hour's budget, and the time
 * left: at Drip's budget's pace when that is the limit, else at this rate. `clear` wipes the bar before an event line
 * is printed to the same terminal, and the next tick draws it again below.
 */
function progressMeter(io: CliIO, files: InputFile[], enabled: boolean) {
  const total = files.reduce((sum, file) => sum + file.size, 0) || undefined
  let bytes = 0
  let events = 0
  let drawn = false
  const started = Date.now()
  let phase: string | undefined
  const budget: { single?: number; batch?: number } = {}
  // The requests of this reading of the input (the time left is worked out from them), and the runner's summary.
  let watched: RunSummary | undefined
  let before = { single: 0, batch: 0 }
  const requests = () => {
    const now = { single: 0, batch: 0 }
    for (const [endpoint, count] of Object.entries(watched?.requestsByEndpoint ?? {})) now[budgetOf(endpoint)] += count
    return now
  }
  const show = enabled && io.stderr.isTTY && (total === undefined || total > 1_000_000)
  const draw = () => {
    const seconds = (Date.now() - started) / 1000
    const now = requests()
    const read = { single: now.single - before.single, batch: now.batch - before.batch }
    io.stderr.write(`\r\x1b[K${progressLine({ bytes, total, events, seconds, budget, requests: read, phase })}`)
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
    /** What the run does now, shown instead of events while it is not sending ("finding first identifies"). */
    phase(doing: string | undefined) {
      phase = doing === 'sending' ? undefined : doing
    },
    /** The summary of the runner that sends now. */
    watch(summary: RunSummary) {
      watched = summary
      before = requests()
    },
    /** Wipes the bar before a line is printed. */
    clear() {
      // Only when the lines go to the same terminal as the bar.
      if (drawn && io.stdout.isTTY) {
        io.stderr.write('\r\x1b[K')
        drawn = false
      }
    },
    /** The input is read again from its start (the next hour of a --wait replay): its share starts again. */
    rewind() {
      bytes = 0
      before = requests()
    },
    stop() {
      if (!timer) return
      clearInterval(timer)
      draw()
      io.stderr.write(`\n  done: ${plural(events, 'event')}\n`)
    }
  }
}
