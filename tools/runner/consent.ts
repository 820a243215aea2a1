import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { createInterface } from 'readline'
import { transform } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../../src/generated-types'
import type { DripSubscription } from '../subscriptions'
import type { InputItem } from './input'
import {
  IDENTIFY,
  incompleteOf,
  triggerOf,
  turnedOffBy,
  type EventResult,
  type IncompleteFile,
  type RunItem
} from './run'

// A replay never makes anyone a marketing subscriber that their own history would not. A call for an email Drip does
// not know creates that person (an order or cart does, by Drip's reference; an event or a tag does as far as anyone can
// tell, subscribed: see docs/backfill.md), and their later identify's Initial Status then no longer applies (Drip
// takes it only for a new person). So each person's first identify goes before everything else of theirs,
// wherever it sits in the input, and the calls of people the input never identifies are held back unless the admin
// asks for them.
//
// A file or folder is read twice. The first pass (indexArchive) finds each person's first identify: who is in each
// call is written to shard files on disk, by a hash of their email, and each shard is then read on its own, so memory
// holds one shard's people at a time. What it keeps in memory is two bits per input item: sent ahead, held back. The
// first identifies themselves go to a file on disk, in input order. The second pass sends them first (aheadItems),
// then the input with those identifies left out where they stand (ordered). Stdin is read once (streamOrdered): a
// person's calls before their first identify there are held back.

/** Who an event is about in Drip, per subscription that takes it: emails as Drip matches them (trimmed, any case). */
export interface PeopleOf {
  /** People the Identify subscriptions create or update with this event. */
  identifies: string[]
  /** People the other subscriptions send something about (an event, a tag, an order...). */
  others: string[]
}

/** Reads who an event is about, as the subscriptions map it: each one's Email Address field. */
export class People {
  private readonly subscriptions: Array<{
    identify: boolean
    matches: (e: SegmentEvent) => boolean
    email: (e: SegmentEvent) => string | undefined
  }>

  constructor(
    private readonly definition: DestinationDefinition<Settings>,
    subscriptions: DripSubscription[]
  ) {
    this.subscriptions = subscriptions.map((subscription) => ({
      identify: subscription.partnerAction === IDENTIFY,
      matches: triggerOf(subscription),
      email: emailReader(subscription.mapping.email)
    }))
  }

  /** Whether any subscription identifies people: without one, nobody in the input can be. */
  get identifying(): boolean {
    return this.subscriptions.some((s) => s.identify)
  }

  of(event: SegmentEvent): PeopleOf {
    const found: PeopleOf = { identifies: [], others: [] }
    if (turnedOffBy(event, this.definition.name)) return found
    for (const subscription of this.subscriptions) {
      if (!subscription.matches(event)) continue
      const email = subscription.email(event)
      if (!email) continue
      const into = subscription.identify ? found.identifies : found.others
      if (!into.includes(email)) into.push(email)
    }
    return found
  }
}

/**
 * How to read the Email Address a mapping gives an event (what the action would send Drip), as Drip matches it.
 * The mapping kit's own transform takes most of the first pass's time, so the shapes mappings give this field
 * (a path, `@if exists` of paths, a literal) are read directly, the way the mapping kit reads them; any other goes
 * through transform.
 */
export function emailReader(mapping: unknown): (event: SegmentEvent) => string | undefined {
  const read = compiled(mapping) ?? ((event: SegmentEvent) => viaTransform(mapping, event))
  return (event) => {
    const email = read(event)
    return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined
  }
}

function viaTransform(mapping: unknown, event: SegmentEvent): unknown {
  try {
    return (transform({ email: mapping } as JSONObject, event as unknown as JSONObject) as { email?: unknown }).email
  } catch {
    return undefined
  }
}

type Reader = (event: SegmentEvent) => unknown

/** A mapping value as a function of the event, for the shapes read directly (see emailReader); else undefined. */
function compiled(value: unknown): Reader | undefined {
  if (typeof value === 'string') return /[{}]/.test(value) ? undefined : () => value
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  const directive = value as Record<string, unknown>
  if (keys.length === 1 && keys[0] === '@path' && typeof directive['@path'] === 'string') {
    const at = /^\$\.(\w+(?:\.\w+)*)$/.exec(directive['@path'])?.[1]
    if (!at) return undefined
    const keysOf = at.split('.')
    return (event) =>
      keysOf.reduce<unknown>((object, key) => (object ? (object as Record<string, unknown>)[key] : object), event)
  }
  if (keys.length === 1 && keys[0] === '@if') {
    const { exists, then, else: otherwise, ...rest } = (directive['@if'] ?? {}) as Record<string, unknown>
    if (Object.keys(rest).length > 0 || exists === undefined) return undefined
    const [test, yes, no] = [
      compiled(exists),
      then === undefined ? () => undefined : compiled(then),
      otherwise ? compiled(otherwise) : () => undefined
    ]
    if (!test || !yes || !no) return undefined
    return (event) => {
      const found = test(event)
      return found !== undefined && found !== null ? yes(event) : no(event)
    }
  }
  return undefined
}

/** One bit per input item, by its place in the whole input (0-based). */
export class Bits {
  private bytes = new Uint8Array(1024)

  set(index: number): void {
    if (index >> 3 >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, (index >> 3) + 1))
      grown.set(this.bytes)
      this.bytes = grown
    }
    this.bytes[index >> 3] |= 1 << (index & 7)
  }

  has(index: number): boolean {
    return index >> 3 < this.bytes.length && (this.bytes[index >> 3] & (1 << (index & 7))) !== 0
  }
}

/** An input file's first and last event: where, and the time it carries (Segment's timestamp). */
export interface Place {
  file?: string
  time?: string
}

/** What the first pass found. */
export interface ArchiveIndex {
  /** Input items read (events, and lines that are not). */
  items: number
  /** People in the input: all, those with an identify, and those without (whose calls are held back). */
  people: number
  identified: number
  unidentified: number
  /** Calls of people without an identify: held back unless the admin asks for them. */
  heldEvents: number
  /** First identifies, sent ahead of their people's calls, in input order (see aheadItems). */
  ahead: number
  aheadFile: string
  /** By item: a first identify (sent ahead), and a call of a person without one (held back, unless asked for). */
  sentAhead: Bits
  held: Bits
  first?: Place
  last?: Place
  /** Input files that could not be read to their end: found here, before anything is sent. */
  incomplete: IncompleteFile[]
  /** Removes what the index wrote to disk. */
  close(): void
}

/** At most this many shard files: memory holds one shard's people at a time. */
const MAX_SHARDS = 64
/** About this much input text per shard (a shard's people, some thousands, are then held at once). */
const SHARD_TEXT_BYTES = 16 * 1024 * 1024
/** How much a file writer gathers before it writes. */
const WRITE_CHUNK = 64 * 1024

/** Lines to a file, gathered in chunks, written synchronously: memory stays at a chunk whatever the file's size. */
class LineWriter {
  private fd?: number
  private chunk: string[] = []
  private size = 0

  constructor(readonly file: string) {}

  write(line: string): void {
    this.chunk.push(line)
    this.size += line.length
    if (this.size >= WRITE_CHUNK) this.flush()
  }

  flush(): void {
    if (this.chunk.length === 0) return
    this.fd ??= openSync(this.file, 'a')
    writeSync(this.fd, `${this.chunk.join('\n')}\n`)
    this.chunk = []
    this.size = 0
  }

  /** Writes what is gathered and closes the file; whether anything was ever written. */
  close(): boolean {
    this.flush()
    if (this.fd === undefined) return false
    closeSync(this.fd)
    this.fd = undefined
    return true
  }
}

/** The lines of a file, one at a time. */
async function* linesOf(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) if (line) yield line
}

/** FNV-1a: which shard an email's person goes to. */
function hashOf(email: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < email.length; i++) hash = Math.imul(hash ^ email.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/** A call in a shard file: an identify (with what the ahead file needs) or another call, by the item's place. */
type ShardLine = ['I', number, string, AheadEntry] | ['E', number, string]
/** A first identify as the ahead file keeps it: where it stands in the input, and the event. */
interface AheadEntry {
  file?: string
  position: number
  line: number
  event: SegmentEvent
}

export interface IndexOptions {
  /** Where to put the index's files (a new folder is made in it); the system's temporary folder by default. */
  tmp?: string
  /** About how many bytes of text the input holds (gzip unpacked): how many shards it takes. */
  textBytes?: number
}

/** The size of an input's text, from its files' sizes: a gzipped file's text is taken to be ten times its size. */
export function textBytesOf(files: Array<{ path: string; size: number }>): number {
  return files.reduce((sum, file) => sum + (/\.gz$/i.test(file.path) ? 10 : 1) * file.size, 0)
}

/**
 * The first pass over an input: reads every item, and finds each person's first identify and the people without
 * one. Items are counted in the order the second pass reads them, so a bit of the index is the same item there.
 */
export async function indexArchive(
  items: AsyncIterable<InputItem>,
  people: People,
  options: IndexOptions = {}
): Promise<ArchiveIndex> {
  const dir = mkdtempSync(path.join(options.tmp ?? tmpdir(), 'actions-drip-index-'))
  const close = () => rmSync(dir, { recursive: true, force: true })
  try {
    const count = Math.min(MAX_SHARDS, Math.max(1, Math.ceil((options.textBytes ?? 0) / SHARD_TEXT_BYTES)))
    const shards = Array.from({ length: count }, (_, i) => new LineWriter(path.join(dir, `shard-${i}`)))
    const shardOf = (email: string) => hashOf(email) % count
    let read = 0
    let first: Place | undefined
    let last: Place | undefined
    const incomplete: IncompleteFile[] = []
    for await (const item of items) {
      const seq = read++
      if (item.broken) incomplete.push(incompleteOf(item))
      if (!item.event) continue
      const place = { ...(item.file ? { file: item.file } : {}), ...timeOf(item.event) }
      first ??= place
      last = place
      const { identifies, others } = people.of(item.event)
      // An identify is written before the item's other calls, so that its own calls do not come "before" it.
      for (const email of identifies) {
        const entry: AheadEntry = { file: item.file, position: item.position, line: item.line, event: item.event }
        shards[shardOf(email)].write(JSON.stringify(['I', seq, email, entry] satisfies ShardLine))
      }
      for (const email of others) shards[shardOf(email)].write(JSON.stringify(['E', seq, email] satisfies ShardLine))
    }
    const written = shards.map((shard) => shard.close())

    const index: ArchiveIndex = {
      items: read,
      people: 0,
      identified: 0,
      unidentified: 0,
      heldEvents: 0,
      ahead: 0,
      aheadFile: path.join(dir, 'ahead.ndjson'),
      sentAhead: new Bits(),
      held: new Bits(),
      first,
      last,
      incomplete,
      close
    }
    // Each shard on its own: its people's first identifies (in input order) to a file of its own, for the merge.
    const aheadOfShard: string[] = []
    for (let i = 0; i < count; i++) {
      if (!written[i]) continue
      const file = path.join(dir, `shard-${i}`)
      const firstIdentify = new Map<string, boolean>()
      const aheadOut = new LineWriter(path.join(dir, `ahead-${i}`))
      for await (const text of linesOf(file)) {
        const line = JSON.parse(text) as ShardLine
        const [kind, seq, email] = line
        if (kind === 'I' && !firstIdentify.get(email)) {
          firstIdentify.set(email, true)
          index.sentAhead.set(seq)
          aheadOut.write(JSON.stringify([seq, email, line[3]]))
        } else if (kind === 'E' && !firstIdentify.has(email)) firstIdentify.set(email, false)
      }
      if (aheadOut.close()) aheadOfShard.push(aheadOut.file)
      let unidentified = 0
      for (const identified of firstIdentify.values()) if (!identified) unidentified++
      index.people += firstIdentify.size
      index.unidentified += unidentified
      index.identified += firstIdentify.size - unidentified
      if (unidentified === 0) continue
      for await (const text of linesOf(file)) {
        const [kind, seq, email] = JSON.parse(text) as ShardLine
        if (kind === 'E' && firstIdentify.get(email) === false && !index.held.has(seq)) {
          index.heldEvents++
          index.held.set(seq)
        }
      }
    }
    // The first identifies of all shards in input order: each shard's file is in order, so a merge does it.
    const ahead = new LineWriter(index.aheadFile)
    for await (const text of mergedBySeq(aheadOfShard)) {
      ahead.write(text)
      index.ahead++
    }
    ahead.close()
    return index
  } catch (error) {
    close()
    throw error
  }
}

/** Segment's time of an event, as it carries it. */
function timeOf(event: SegmentEvent): Pick<Place, 'time'> {
  const time = event.timestamp ?? event.receivedAt ?? event.sentAt
  return typeof time === 'string' ? { time } : time instanceof Date ? { time: time.toISOString() } : {}
}

/** The lines of files that are each in order of their first value (a JSON array's), merged in that order. */
async function* mergedBySeq(files: string[]): AsyncGenerator<string> {
  const sources = files.map((file) => linesOf(file)[Symbol.asyncIterator]())
  const heads = await Promise.all(sources.map((source) => source.next()))
  const seqOf = (head: IteratorResult<string>) => (head.done ? Infinity : (JSON.parse(head.value) as [number])[0])
  const seqs = heads.map(seqOf)
  for (;;) {
    let at = -1
    for (let i = 0; i < seqs.length; i++) if (seqs[i] !== Infinity && (at < 0 || seqs[i] < seqs[at])) at = i
    if (at < 0) return
    yield (heads[at] as IteratorYieldResult<string>).value
    heads[at] = await sources[at].next()
    seqs[at] = seqOf(heads[at])
  }
}

/** The file name under which the checkpoint records the first identifies sent ahead, by rank. */
export const AHEAD = '\u0000first identifies sent ahead'

/**
 * The first identifies, in input order, each as the item it is in the input and with its rank; `skip(rank, item)`
 * leaves out those an earlier run (or pass) settled. `person` is told whose identify each rank is, so that a
 * result can be turned into a person (see Consent).
 */
export async function* aheadItems(
  index: ArchiveIndex,
  skip: (rank: number, item: AheadEntry) => boolean,
  person: (rank: number, email: string) => void
): AsyncGenerator<RunItem> {
  let rank = 0
  if (index.ahead === 0) return
  for await (const text of linesOf(index.aheadFile)) {
    rank++
    const [, email, entry] = JSON.parse(text) as [number, string, AheadEntry]
    if (skip(rank, entry)) continue
    person(rank, email)
    yield {
      ...(entry.file ? { file: entry.file } : {}),
      position: entry.position,
      line: entry.line,
      event: entry.event,
      ahead: rank
    }
  }
}

export const HELD_UNIDENTIFIED =
  'held back: the input has no identify for this person, and Drip would create them from this call ' +
  '(--send-unidentified sends it)'
export const HELD_NOT_AHEAD = (rank: number) =>
  `held back: this person's first identify (the ${ordinal(rank)} sent ahead) was not delivered, and Drip would ` +
  'create them from this call; once it is, a run again sends this'
export const HELD_STDIN =
  'held back: no identify for this person came before it on stdin, and Drip would create them from this call ' +
  '(stdin is read once; give the file to have first identifies sent ahead, or --send-unidentified to send it)'

const ordinal = (n: number) =>
  `${n.toLocaleString('en-US')}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`

/**
 * What the second pass needs to know across its items: whose first identify was not delivered (their calls are held
 * back), told by the results of the identifies sent ahead.
 */
export class Consent {
  /** Rank → email, for first identifies whose result is still to come; email → rank, for those not delivered (yet). */
  private readonly waiting = new Map<number, string>()
  private readonly notDelivered = new Map<string, number>()
  /** People of `notDelivered` whose calls were held back. */
  private readonly heldFor = new Set<string>()

  constructor(
    private readonly people: People,
    /** Whether the calls of people the input never identifies are held back (the default), or sent. */
    private readonly holdUnidentified: boolean
  ) {}

  /** Whose first identify the item of this rank is. */
  expect(rank: number, email: string): void {
    this.waiting.set(rank, email)
  }

  /** A result of the run: a first identify sent ahead that Drip did not take holds its person's calls back. */
  result(result: EventResult): void {
    if (result.ahead === undefined || result.outcome === 'deferred') return
    const email = this.waiting.get(result.ahead)
    if (email === undefined) return
    this.waiting.delete(result.ahead)
    if (result.outcome === 'delivered') this.notDelivered.delete(email)
    else this.notDelivered.set(email, result.ahead)
  }

  /** People whose first identify was not delivered in this run, and whose other calls were held back for it. */
  get undelivered(): number {
    return [...this.heldFor].filter((email) => this.notDelivered.has(email)).length
  }

  /** The input, each item marked as the index says (sent ahead, held back), and held back when its person is. */
  async *ordered(items: AsyncIterable<InputItem>, index: ArchiveIndex): AsyncGenerator<RunItem> {
    let seq = 0
    for await (const item of items) {
      const at = seq++
      if (!item.event) {
        yield item
        continue
      }
      if (this.holdUnidentified && index.held.has(at)) {
        yield { ...item, held: HELD_UNIDENTIFIED }
        continue
      }
      const sentAhead = index.sentAhead.has(at) ? { sentAhead: true } : {}
      if (this.notDelivered.size > 0) {
        const { identifies, others } = this.people.of(item.event)
        // The identify that was sent ahead and not delivered is not tried again here: only the rest is held.
        const email = (sentAhead.sentAhead ? others : [...identifies, ...others]).find((e) => this.notDelivered.has(e))
        const undelivered = [...identifies, ...others].find((e) => this.notDelivered.has(e))
        if (undelivered !== undefined) {
          if (email !== undefined) this.heldFor.add(email)
          // For now: a later hour of the run sends its first identify again, and then this.
          yield { ...item, ...sentAhead, held: HELD_NOT_AHEAD(this.notDelivered.get(undelivered)!), heldForNow: true }
          continue
        }
      }
      yield { ...item, ...sentAhead }
    }
  }
}

/** Stdin, read once: a person's calls before their first identify there are held back (unless sent as asked). */
export async function* streamOrdered(
  items: AsyncIterable<InputItem>,
  people: People,
  holdUnidentified: boolean,
  counts: { heldPeople: Set<string> }
): AsyncGenerator<RunItem> {
  const identified = new Set<string>()
  for await (const item of items) {
    if (!item.event || !holdUnidentified) {
      yield item
      continue
    }
    const { identifies, others } = people.of(item.event)
    for (const email of identifies) identified.add(email)
    const unknown = others.filter((email) => !identified.has(email))
    for (const email of unknown) counts.heldPeople.add(email)
    yield unknown.length > 0 ? { ...item, held: HELD_STDIN } : item
  }
}
