import { DRIP_HOURLY_BATCH_REQUESTS, DRIP_HOURLY_SINGLE_REQUESTS } from '../../src/constants'
import type { EventResult, IncompleteFile, RunSummary } from './run'
import type { Place } from './consent'
import type { Person, ShopperRecord, StoredEvent } from '../simulator'

// The runner's words for a person at a terminal: one line per event, a summary, and what Drip now holds.

const OUTCOME_LABEL: Record<EventResult['outcome'], string> = {
  delivered: 'delivered',
  rejected: 'REJECTED',
  failed: 'FAILED',
  deferred: 'DEFERRED',
  skipped: 'skipped',
  held: 'HELD',
  unparsable: 'UNPARSABLE'
}

/** How an input file is named to a person: its path as the runner was given it (see sources.ts). */
export type PathOf = (file: string | undefined) => string

/**
 * One event's line; `withFile`: the input is a folder, so the line names the file the event came from. A line that
 * is not an event is named as file:line, the way editors and grep take it.
 */
export function resultLine(result: EventResult, withFile = false, pathOf?: PathOf, dryRun = false): string {
  const ahead = result.ahead !== undefined ? ' (first, sent ahead)' : ''
  const what = result.type ? `${result.type}${result.name ? ` "${cut(result.name, 28)}"` : ''}${ahead}` : '-'
  const at =
    result.outcome === 'unparsable' && pathOf
      ? `${pathOf(result.file)}:${result.line}`
      : `${withFile && result.file ? `${result.file} ` : ''}#${result.position}`
  const cells = [
    at.padStart(6),
    pad(what, 34),
    pad(result.action ? `→ ${result.action}` : '', 17),
    pad(result.request ?? '', 44),
    // A dry run's statuses are a throwaway simulator's: not shown.
    pad(result.status !== undefined && !dryRun ? String(result.status) : '', 4),
    dryRun && result.outcome === 'delivered' ? 'would send' : OUTCOME_LABEL[result.outcome]
  ]
  const line = cells.join(' ')
  if (result.message && result.outcome !== 'delivered') return `${line}: ${result.message}`
  return result.notes?.length ? `${line} (${result.notes.join(' ')})` : line
}

/** A label of the summary, padded so the numbers line up. */
const label = (text: string) => `  ${text.padEnd(27)}`

/** Where and why a file broke, after its path and line: "is cut short: ... at byte 4096 (line 812)". */
export function brokeAt(incomplete: IncompleteFile): string {
  const { line, byte, unzipped, reason, hint } = incomplete
  const where = /\bbyte \d/.test(reason) ? '' : ` at byte ${byte}${unzipped ? ' of its gunzipped text' : ''}`
  return `${incomplete.path}:${line}: ${reason}${where}${hint ? `: ${hint}` : ''}`
}

/** The line an incomplete file gets among the event lines. */
export function incompleteLine(incomplete: IncompleteFile): string {
  const before = plural(incomplete.itemsBefore, 'item')
  return `INCOMPLETE ${brokeAt(incomplete)}. Read: the ${before} before it; the rest of the file could not be.`
}

/** Calls held back: of people the input never identifies, and of people whose first identify was not delivered. */
export interface HeldCounts {
  /** Calls held back: all, and those of `people` (the rest are of people whose first identify was not delivered). */
  events: number
  unidentifiedEvents: number
  people: number
  undelivered: number
  /** Read from stdin, once: `people` are those no identify came before there, not those without one at all. */
  stdin?: boolean
}

/** Whose calls `people` are, in words. */
export const heldPeopleInWords = (held: HeldCounts) =>
  `${plural(held.people, 'person', 'people')} ${held.stdin ? 'no identify came before on stdin' : 'the input never identifies'}`

/** The summary's line for calls held back, or none. */
function heldLine(summary: RunSummary, held: HeldCounts | undefined, would = false): string[] {
  if (!summary.held) return []
  const whose = [
    held?.people ? `${heldPeopleInWords(held)}: --send-unidentified sends them` : '',
    held?.undelivered ? `${plural(held.undelivered, 'person', 'people')} whose first identify was not delivered` : ''
  ].filter(Boolean)
  return [
    `${label(`${would ? 'would hold' : 'held'} back`)}${summary.held}${whose.length ? ` (${whose.join('; ')})` : ''}`
  ]
}

/** What the simulator's clock says of a run: the hours of Drip's budget it took, and how long it waited for them. */
export interface SimulatorClock {
  budgetHours: number
  aheadMs: number
}

export function summaryText(
  summary: RunSummary & { alreadyDelivered?: number },
  extra: { target: string; mode: string; held?: HeldCounts; clock?: SimulatorClock }
): string {
  const lines = [
    '',
    `Summary (${extra.mode}, ${extra.target})${stopped(summary)}`,
    `  events read                ${summary.eventsRead}${summary.unparsable ? ` (+${summary.unparsable} unparsable lines)` : ''}`,
    `  delivered to Drip          ${summary.delivered}`,
    ...(summary.alreadyDelivered
      ? [`  delivered by earlier runs  ${summary.alreadyDelivered} (skipped: the checkpoint)`]
      : []),
    ...(summary.sentAhead
      ? [`${label('identifies sent ahead')}${summary.sentAhead} (each person's first, before the rest)`]
      : []),
    `  rejected before sending    ${summary.rejected}`,
    `  failed at Drip             ${summary.failed}`,
    ...(summary.deferred ? [`  deferred (budget spent)    ${summary.deferred}`] : []),
    ...heldLine(summary, extra.held),
    `  skipped (nothing to send)  ${summary.skipped}`,
    `  Drip requests sent         ${summary.requests}${summary.unanswered ? ` (${summary.unanswered} got no answer)` : ''}`
  ]
  for (const [endpoint, count] of Object.entries(summary.requestsByEndpoint)) {
    lines.push(`    ${pad(endpoint, 62)} ${count}`)
  }
  lines.push(...incompleteFiles(summary.incomplete))
  lines.push(...counted('why events were rejected or failed:', summary.reasons))
  lines.push(...counted('values left out of delivered events:', summary.notes))
  if (extra.clock && extra.clock.budgetHours > 0) {
    const waited =
      extra.clock.aheadMs > 0 ? ` (its clock moved on ${clockTime(extra.clock.aheadMs)} for Drip's budget)` : ''
    lines.push(`${label("simulator's budget hours")}${extra.clock.budgetHours}${waited}`)
  }
  if (summary.interrupted === 'BUDGET') {
    lines.push("  stopped at Drip's hourly budget: the rest of the input was not read")
  } else if (summary.interrupted) lines.push('  the rest of the input was not read')
  return lines.join('\n')
}

/** The files that broke partway, each with where and why. */
function incompleteFiles(incomplete: IncompleteFile[]): string[] {
  if (incomplete.length === 0) return []
  return [
    `  incomplete files           ${incomplete.length} (read up to where each broke; the rest of each was not)`,
    ...incomplete.map((file) => `    ${brokeAt(file)}`)
  ]
}

function stopped(summary: RunSummary): string {
  if (summary.interrupted === 'BUDGET') return ": STOPPED at Drip's hourly budget"
  return summary.interrupted ? `: INTERRUPTED by ${summary.interrupted}` : ''
}

/** The ten most frequent messages under a heading. */
function counted(heading: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1])
  if (entries.length === 0) return []
  const lines = [
    `  ${heading}`,
    ...entries.slice(0, 10).map(([text, count]) => `    ${String(count).padStart(6)} × ${text}`)
  ]
  if (entries.length > 10) lines.push(`    … and ${entries.length - 10} others`)
  return lines
}

export function stateText(
  people: Person[],
  events: StoredEvent[],
  eventCount: number,
  shopperActivity: ShopperRecord[] = [],
  limit = 15
): string {
  const counts = [plural(people.length, 'person', 'people'), plural(eventCount, 'event')]
  for (const kind of ['order', 'cart', 'product'] as const) {
    const count = shopperActivity.filter((r) => r.kind === kind).length
    const deleted = shopperActivity.filter((r) => r.kind === kind && r.deleted === true).length
    if (count > 0) counts.push(plural(count, kind) + (deleted > 0 ? ` (${deleted} deleted)` : ''))
  }
  const lines = ['', `What Drip now holds: ${counts.join(', ')}`]
  if (people.length > 0) {
    // EU consent gets a column once anyone has it (Identify's consent fields), so other replays read as before.
    const consent = people.some((p) => p.eu_consent !== undefined)
    const columns = ['email', 'status', 'user_id', 'tags', ...(consent ? ['eu consent'] : [])]
    lines.push(
      table(
        [...columns, 'lifetime value', 'custom fields'],
        people.slice(0, limit).map((p) => [
          p.email,
          p.status,
          String(p.user_id ?? ''),
          p.tags.join(', '),
          ...(consent ? [String(p.eu_consent ?? '')] : []),
          p.lifetime_value === undefined ? '' : (Number(p.lifetime_value) / 100).toFixed(2),
          Object.entries(p.custom_fields)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' ')
        ])
      )
    )
    if (people.length > limit) lines.push(`  … and ${people.length - limit} more people`)
  }
  if (events.length > 0) {
    const newest = events.slice(-limit)
    lines.push(
      table(
        ['email', 'action', 'occurred_at', 'properties'],
        newest.map((e) => [e.email, e.action, e.occurred_at, JSON.stringify(e.properties)])
      )
    )
    if (eventCount > newest.length) lines.push(`  (newest ${newest.length} of ${eventCount} events shown)`)
  }
  if (shopperActivity.length > 0) {
    lines.push(
      table(
        ['order / cart / product', 'email', 'actions', 'grand total', 'items'],
        shopperActivity
          .slice(0, limit)
          .map((r) => [
            r.key,
            String(r.email ?? ''),
            r.actions.join(', '),
            r.grand_total === undefined ? '' : `${r.grand_total} ${String(r.currency ?? '')}`.trim(),
            Array.isArray(r.items) ? String(r.items.length) : ''
          ])
      )
    )
  }
  return lines.join('\n')
}

function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cut(cell, 48)))
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)))
  const format = (row: string[]) =>
    '  ' +
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return ['', format(cells[0]), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(format)].join(
    '\n'
  )
}

function pad(text: string, width: number): string {
  return cut(text, width).padEnd(width)
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

/** Drip's hourly budgets, by kind of request. */
const HOURLY = { single: DRIP_HOURLY_SINGLE_REQUESTS, batch: DRIP_HOURLY_BATCH_REQUESTS }

/** A request's kind of Drip's budget, by its endpoint (`POST /v2/:account/events/batches`). */
export const budgetOf = (endpoint: string): 'single' | 'batch' => (/\/batch(es)?$/.test(endpoint) ? 'batch' : 'single')

/**
 * How long the rest of a replay takes: at the rate so far, or, when Drip's budget is the limit, at the budget's pace.
 * `share` of the work is done, taking `requests` so far (of the work that `share` measures); `budget` is what Drip
 * says is left of this hour's.
 */
export function timeLeft(progress: {
  share: number
  seconds: number
  requests: { single: number; batch: number }
  budget: { single?: number; batch?: number }
}): { seconds: number; by: 'rate' | 'budget'; kind?: 'single' | 'batch' } | undefined {
  const { share, seconds, requests, budget } = progress
  if (!(share > 0 && share < 1)) return undefined
  const atRate = { seconds: (seconds * (1 - share)) / share, by: 'rate' as const }
  let slowest: { seconds: number; by: 'budget'; kind: 'single' | 'batch' } | undefined
  for (const kind of ['single', 'batch'] as const) {
    const toGo = (requests[kind] * (1 - share)) / share
    const beyond = toGo - (budget[kind] ?? HOURLY[kind])
    const hours = beyond > 0 ? beyond / HOURLY[kind] : 0
    if (hours > 0 && (!slowest || hours * 3600 > slowest.seconds))
      slowest = { seconds: hours * 3600, by: 'budget', kind }
  }
  return slowest && slowest.seconds > atRate.seconds ? slowest : atRate
}

/** A one-line progress bar for stderr on a terminal: share of the input read, events, rate, budget left, time left. */
export function progressLine(progress: {
  bytes: number
  total?: number
  events: number
  seconds: number
  budget: { single?: number; batch?: number }
  /** Requests of the part of the work the bytes measure. */
  requests?: { single: number; batch: number }
  /** What the run is doing, when it is not sending the input ("finding first identifies"). */
  phase?: string
}): string {
  const { bytes, total, events, seconds, budget, phase } = progress
  const rate = seconds > 0 ? events / seconds : 0
  const left = [
    budget.single !== undefined ? `${budget.single.toLocaleString('en-US')} single` : '',
    budget.batch !== undefined ? `${budget.batch.toLocaleString('en-US')} batch` : ''
  ].filter(Boolean)
  const parts = phase
    ? [phase]
    : [`${events.toLocaleString('en-US')} events`, `${Math.round(rate).toLocaleString('en-US')}/s`]
  if (left.length > 0 && !phase) parts.push(`Drip budget left this hour: ${left.join(', ')}`)
  if (!total) return `  ${parts.join('  ')}`
  const share = Math.min(1, bytes / total)
  const filled = Math.round(share * 30)
  const eta = phase
    ? undefined
    : timeLeft({ share, seconds, requests: progress.requests ?? { single: 0, batch: 0 }, budget })
  if (eta?.by === 'budget') {
    parts.push(
      `about ${duration(eta.seconds)} left on Drip's budget (${HOURLY[eta.kind!].toLocaleString('en-US')} ${eta.kind} requests an hour)`
    )
  } else if (eta) parts.push(`about ${duration(eta.seconds)} left at this rate`)
  return `  [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${parts.join('  ')}`
}

/** 42 s, 7 min, 3.5 h. */
export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

/** 2 h 5 min. */
function clockTime(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** What a dry run knows beyond its summary: the input's extent, first identifies, calls held back, budget hours. */
export interface PlanFacts {
  files: number
  /** Items in the input (from the first pass; undefined for stdin). */
  items?: number
  first?: Place
  last?: Place
  /** First identifies in the input: sent ahead of their people's calls. */
  ahead: number
  held: HeldCounts
  /** Hours of Drip's budget the throwaway account's requests fell in, at Drip's limits. */
  budgetHours?: number
  /** The dry run ran without Drip's limits (--unlimited): hours are worked out from the requests instead. */
  unlimited: boolean
}

/** The requests by kind, and the hours of Drip's budget: its windows as the dry run met them, or worked out. */
export function planNumbers(summary: RunSummary, facts: PlanFacts) {
  let single = 0
  let batch = 0
  for (const [endpoint, count] of Object.entries(summary.requestsByEndpoint)) {
    if (budgetOf(endpoint) === 'batch') batch += count
    else single += count
  }
  const atLimits = Math.max(single / DRIP_HOURLY_SINGLE_REQUESTS, batch / DRIP_HOURLY_BATCH_REQUESTS)
  const hours =
    facts.unlimited || facts.budgetHours === undefined ? Math.max(1, Math.ceil(atLimits)) : facts.budgetHours
  return { single, batch, hours: single + batch === 0 ? 0 : hours }
}

/**
 * What a dry run found a replay would send: the input, events, requests by kind and endpoint, and the hours of Drip's
 * budget they take. The hours are those the dry run took: it ran into a throwaway account at Drip's limits, stopping
 * at each hour's budget as a real run does and going on after it, so its batches are the ones a real run makes.
 */
export function planText(summary: RunSummary & { alreadyDelivered?: number }, facts: PlanFacts): string {
  const { single, batch, hours } = planNumbers(summary, facts)
  const at = (place?: Place) =>
    place ? `${place.time ?? '(no timestamp)'}${place.file ? ` in ${place.file}` : ''}` : ''
  const input = [plural(facts.files, 'file'), ...(facts.items !== undefined ? [plural(facts.items, 'item')] : [])]
  const already = summary.alreadyDelivered
  const lines = [
    '',
    `Plan (dry run: nothing was sent to Drip; this is what a run would send)${stopped(summary)}`,
    `${label('input')}${input.join(', ')}${summary.unparsable ? ` (${plural(summary.unparsable, 'line')} not an event)` : ''}`,
    ...(facts.first ? [`${label('first event')}${at(facts.first)}`, `${label('last event')}${at(facts.last)}`] : []),
    `  events to send             ${summary.delivered}${already ? ` (${already} already delivered, from the checkpoint)` : ''}`,
    ...(summary.sentAhead
      ? [`${label('identifies sent ahead')}${summary.sentAhead} (each person's first, before the rest)`]
      : []),
    `  rejected before sending    ${summary.rejected}`,
    ...(summary.failed ? [`${label("failed (the dry run's Drip)")}${summary.failed}`] : []),
    ...heldLine(summary, facts.held, true),
    `  skipped (nothing to send)  ${summary.skipped}`,
    `  single requests            ${single} (${(single / DRIP_HOURLY_SINGLE_REQUESTS).toFixed(1)} h of Drip's ${DRIP_HOURLY_SINGLE_REQUESTS.toLocaleString('en-US')} an hour)`,
    `  batch requests             ${batch} (${(batch / DRIP_HOURLY_BATCH_REQUESTS).toFixed(1)} h of Drip's ${DRIP_HOURLY_BATCH_REQUESTS} an hour)`
  ]
  for (const [endpoint, count] of Object.entries(summary.requestsByEndpoint)) {
    lines.push(`    ${pad(endpoint, 62)} ${count}`)
  }
  lines.push(
    `  Drip's budget needs        ${
      hours <= 1
        ? 'less than an hour: one run'
        : `about ${hours} hours: a run stops at Drip's hourly budget ${hours === 2 ? 'once' : `${hours - 1} times`} (--checkpoint FILE, and --wait to go on)`
    }`
  )
  lines.push(...incompleteFiles(summary.incomplete))
  lines.push(
    ...counted(
      summary.failed ? 'why events would be rejected or failed:' : 'why events would be rejected:',
      summary.reasons
    )
  )
  lines.push(...counted('values left out of events to send:', summary.notes))
  return lines.join('\n')
}

/** `1 person`, `2 people`, `1 event`, `2 events`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`
}
