import type { EventResult, RunSummary } from './run'
import type { Person, ShopperRecord, StoredEvent } from '../simulator'

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
    `#${result.position}`.padStart(6),
    pad(what, 34),
    pad(result.action ? `→ ${result.action}` : '', 17),
    pad(result.request ?? '', 44),
    pad(result.status !== undefined ? String(result.status) : '', 4),
    OUTCOME_LABEL[result.outcome]
  ]
  const line = cells.join(' ')
  if (result.message && result.outcome !== 'delivered') return `${line}: ${result.message}`
  return result.notes?.length ? `${line} (${result.notes.join(' ')})` : line
}

export function summaryText(summary: RunSummary, extra: { target: string; mode: string }): string {
  const lines = [
    '',
    `Summary (${extra.mode}, ${extra.target})${summary.interrupted ? `: INTERRUPTED by ${summary.interrupted}` : ''}`,
    `  events read                ${summary.eventsRead}${summary.unparsable ? ` (+${summary.unparsable} unparsable lines)` : ''}`,
    `  delivered to Drip          ${summary.delivered}`,
    `  rejected before sending    ${summary.rejected}`,
    `  failed at Drip             ${summary.failed}`,
    `  skipped (no mapping)       ${summary.skipped}`,
    `  Drip requests sent         ${summary.requests}`
  ]
  for (const [endpoint, count] of Object.entries(summary.requestsByEndpoint)) {
    lines.push(`    ${pad(endpoint, 62)} ${count}`)
  }
  lines.push(...counted('why events were rejected or failed:', summary.reasons))
  lines.push(...counted('values left out of delivered events:', summary.notes))
  if (summary.interrupted) lines.push('  the rest of the input was not read')
  return lines.join('\n')
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
    if (count > 0) counts.push(plural(count, kind))
  }
  const lines = ['', `What Drip now holds: ${counts.join(', ')}`]
  if (people.length > 0) {
    lines.push(
      table(
        ['email', 'status', 'user_id', 'tags', 'lifetime value', 'custom fields'],
        people.slice(0, limit).map((p) => [
          p.email,
          p.status,
          String(p.user_id ?? ''),
          p.tags.join(', '),
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

/** A one-line progress bar for stderr on a terminal. */
export function progressLine(done: number, total: number | undefined, events: number): string {
  if (!total) return `  ${events.toLocaleString('en-US')} events`
  const share = Math.min(1, done / total)
  const filled = Math.round(share * 30)
  return `  [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${events.toLocaleString('en-US')} events`
}

/** `1 person`, `2 people`, `1 event`, `2 events`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`
}
