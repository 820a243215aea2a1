import type { EventResult, RunSummary } from './run'
import type { Person, StoredEvent } from '../simulator'

// The runner's words for a person at a terminal: one line per event, a summary, and what Drip now holds.

const OUTCOME_LABEL: Record<EventResult['outcome'], string> = {
  delivered: 'delivered',
  rejected: 'REJECTED',
  failed: 'FAILED',
  skipped: 'skipped',
  unparsable: 'UNPARSABLE'
}

export function resultLine(result: EventResult): string {
  const what = result.type ? `${result.type}${result.name ? ` "${cut(result.name, 28)}"` : ''}` : '-'
  const cells = [
    `#${result.line}`.padStart(6),
    pad(what, 34),
    pad(result.action ? `→ ${result.action}` : '', 14),
    pad(result.request ?? '', 38),
    pad(result.status !== undefined ? String(result.status) : '', 4),
    OUTCOME_LABEL[result.outcome]
  ]
  const line = cells.join(' ')
  return result.message && result.outcome !== 'delivered' ? `${line}: ${result.message}` : line
}

export function summaryText(summary: RunSummary, extra: { target: string; mode: string }): string {
  const lines = [
    '',
    `Summary (${extra.mode}, ${extra.target})`,
    `  events read                ${summary.eventsRead}${summary.unparsable ? ` (+${summary.unparsable} unparsable lines)` : ''}`,
    `  delivered to Drip          ${summary.delivered}`,
    `  rejected before sending    ${summary.rejected}`,
    `  failed at Drip             ${summary.failed}`,
    `  skipped (no mapping)       ${summary.skipped}`,
    `  Drip requests sent         ${summary.requests}`
  ]
  for (const [endpoint, count] of Object.entries(summary.requestsByEndpoint)) {
    lines.push(`    ${pad(endpoint, 40)} ${count}`)
  }
  const reasons = Object.entries(summary.reasons).sort((a, b) => b[1] - a[1])
  if (reasons.length > 0) {
    lines.push('  why events were rejected or failed:')
    for (const [reason, count] of reasons.slice(0, 10)) lines.push(`    ${String(count).padStart(6)} × ${reason}`)
    if (reasons.length > 10) lines.push(`    … and ${reasons.length - 10} other reasons`)
  }
  return lines.join('\n')
}

export function stateText(people: Person[], events: StoredEvent[], eventCount: number, limit = 15): string {
  const lines = ['', `What Drip now holds: ${people.length} people, ${eventCount} events`]
  if (people.length > 0) {
    lines.push(
      table(
        ['email', 'status', 'user_id', 'tags', 'custom fields'],
        people.slice(0, limit).map((p) => [
          p.email,
          p.status,
          String(p.user_id ?? ''),
          p.tags.join(', '),
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

/** A one-line progress bar for stderr on a terminal. */
export function progressLine(done: number, total: number | undefined, events: number): string {
  if (!total) return `  ${events.toLocaleString('en-US')} events`
  const share = Math.min(1, done / total)
  const filled = Math.round(share * 30)
  return `  [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${events.toLocaleString('en-US')} events`
}
