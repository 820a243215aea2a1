import { mkdirSync, writeFileSync } from 'fs'
import path from 'path'
import { parseArgs } from 'util'
import { gzipSync } from 'zlib'

// A Segment archive as a backfill meets one: gzipped NDJSON in a folder per day and hour (as Segment's S3 and GCS
// destinations write it), identify and track calls mixed per person in time order. Some people's first call is a track
// and their identify comes later; some have no identify at all; some opted in (Initial Status active in their first
// identify). Deterministic: the same size and seed give the same archive. It says who should end up where in Drip.
//
//   npm run archive -- DIR [--events 150000] [--seed 1]

export interface ArchiveOptions {
  events: number
  seed?: number
  /** Days the calls spread over (a folder each), with a file for each of its hours that has calls. */
  days?: number
}

/** Who the archive holds, and what a backfill that keeps everyone's consent leaves in Drip. */
export interface ArchiveFacts {
  events: number
  files: number
  people: number
  /** People with at least one identify; of them, whose first call is a track. */
  identified: number
  trackFirst: number
  /** People whose only calls are tracks (never identified). */
  tracksOnly: string[]
  /** People whose own first identify makes them subscribers (Initial Status active). */
  optedIn: string[]
  /** Calls without an email, which the destination refuses. */
  withoutEmail: number
}

/** mulberry32: a small seeded generator, so an archive is the same every time. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TRACKS = ['Product Viewed', 'Signed In', 'Article Read', 'Search Performed', 'Plan Viewed']
const START = Date.UTC(2026, 0, 1)
const DAY = 24 * 60 * 60 * 1000

/** Writes the archive below `dir`; what it holds. */
export function writeArchive(dir: string, options: ArchiveOptions): ArchiveFacts {
  const next = random(options.seed ?? 1)
  const days = options.days ?? 30
  const calls: Array<{ at: number; text: string }> = []
  const facts: ArchiveFacts = {
    events: 0,
    files: 0,
    people: 0,
    identified: 0,
    trackFirst: 0,
    tracksOnly: [],
    optedIn: [],
    withoutEmail: 0
  }
  for (let p = 0; calls.length < options.events; p++) {
    const email = `person-${p}@example.com`
    const userId = `u-${p}`
    const kind = next()
    // 55% meet the source first through a track and identify later, 30% identify first, 15% never identify.
    const shape = kind < 0.55 ? 'track-first' : kind < 0.85 ? 'identify-first' : 'tracks-only'
    const count = Math.min(options.events - calls.length, 2 + Math.floor(next() * 4))
    if (count <= 0) break
    facts.people++
    // A person's calls in time order, within a few days.
    const first = START + Math.floor(next() * (days - 3) * DAY)
    const times = Array.from({ length: count }, () => first + Math.floor(next() * 3 * DAY)).sort((a, b) => a - b)
    const identifyAt =
      shape === 'identify-first' ? 0 : shape === 'track-first' ? 1 + Math.floor(next() * (count - 1)) : -1
    const optedIn = next() < 0.35
    let identified = false
    times.forEach((at, i) => {
      const timestamp = new Date(at).toISOString()
      let event: Record<string, unknown>
      if (i === identifyAt || (identified && next() < 0.15)) {
        const traits: Record<string, unknown> = { email, first_name: `First${p}`, plan: next() < 0.5 ? 'free' : 'pro' }
        if (!identified && optedIn) traits.initial_status = 'active'
        event = { type: 'identify', userId, traits, timestamp, messageId: `m-${p}-${i}` }
        identified = true
      } else {
        const roll = next()
        const name = roll < 0.08 ? 'Order Completed' : roll < 0.13 ? 'Cart Viewed' : TRACKS[Math.floor(next() * 5)]
        const properties: Record<string, unknown> = { source: 'web' }
        if (name === 'Order Completed')
          Object.assign(properties, { order_id: `o-${p}-${i}`, total: 20, currency: 'USD' })
        if (name === 'Cart Viewed') {
          const products = [{ product_id: 'tee', name: 'Logo Tee', price: 25, quantity: 1 }]
          Object.assign(properties, { cart_id: `c-${p}`, cart_url: `https://shop.example.com/cart/c-${p}`, products })
        }
        const withoutEmail = roll > 0.98
        if (withoutEmail) facts.withoutEmail++
        const context = withoutEmail ? {} : { traits: { email } }
        event = { type: 'track', userId, event: name, properties, context, timestamp, messageId: `m-${p}-${i}` }
      }
      calls.push({ at, text: JSON.stringify(event) })
    })
    if (identified) {
      facts.identified++
      if (shape === 'track-first') facts.trackFirst++
      if (optedIn) facts.optedIn.push(email)
    } else facts.tracksOnly.push(email)
  }
  calls.sort((a, b) => a.at - b.at)
  facts.events = calls.length
  // A file per hour that has calls, in a folder per day.
  let file: { name: string; lines: string[] } | undefined
  const write = () => {
    if (!file) return
    mkdirSync(path.dirname(file.name), { recursive: true })
    writeFileSync(file.name, gzipSync(`${file.lines.join('\n')}\n`))
    facts.files++
  }
  for (const call of calls) {
    const time = new Date(call.at).toISOString()
    const name = path.join(dir, 'segment-logs', 'source-1', time.slice(0, 10), time.slice(11, 13), 'part-0.json.gz')
    if (file?.name !== name) {
      write()
      file = { name, lines: [] }
    }
    file.lines.push(call.text)
  }
  write()
  return facts
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { events: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' } }
  })
  if (positionals.length !== 1) {
    console.error('usage: npm run archive -- DIR [--events 150000] [--seed 1] [--days 30]')
    process.exit(2)
  }
  const facts = writeArchive(positionals[0], {
    events: Number(values.events ?? 150_000),
    seed: Number(values.seed ?? 1),
    days: Number(values.days ?? 30)
  })
  console.log(
    `wrote ${facts.events.toLocaleString('en-US')} events of ${facts.people.toLocaleString('en-US')} people in ` +
      `${facts.files} files below ${positionals[0]}: ${facts.identified.toLocaleString('en-US')} identified ` +
      `(${facts.trackFirst.toLocaleString('en-US')} of them met first through a track, ` +
      `${facts.optedIn.length.toLocaleString('en-US')} opted in), ` +
      `${facts.tracksOnly.length.toLocaleString('en-US')} with tracks only`
  )
}
