import { isUtf8 } from 'buffer'
import type { SegmentEvent } from '@segment/actions-core'

// Segment events from a stream, one at a time, so a file of a million events is never held in memory. Takes NDJSON
// (one event per line; an object pretty-printed over several lines, from a line that is just "{" to one that is just
// "}", counts as one) or a JSON array (split element by element as it streams in). UTF-8 only: where the bytes stop
// being UTF-8 (UTF-16 from the start, Latin-1 partway), the input breaks, as it does where its stream fails.

export interface InputItem {
  /** The file it came from (see sources.ts), when the input has a name. */
  file?: string
  /** The item's place in the input, 1-based: the Nth line of NDJSON (blank lines aside), the Nth array element. */
  position: number
  /** The line the event starts on, 1-based. */
  line: number
  event?: SegmentEvent
  /** Why the text at `line` is not an event. */
  error?: string
  /**
   * The input broke here and nothing after could be read: the last item of its file. `line` is the line reading
   * stopped in; the items before it were read whole.
   */
  broken?: Break
}

/** Where and why an input could not be read to its end. */
export interface Break {
  /** What went wrong, to follow the file's name: "is not UTF-8", "cannot be read (EACCES: permission denied)". */
  reason: string
  /** The byte it broke at, counted in the file (or, with `inText`, in its text: after gunzip). */
  byte: number
  /** What to do about it. */
  hint?: string
  inText?: boolean
  /** The file's path, as the runner was given it (sources.ts adds it). */
  path?: string
  /** Whether the file is gzipped (sources.ts adds it), so `byte` in its text is not a byte of the file. */
  gzip?: boolean
}

/** An error of the stream an input is read from, saying where it broke (sources.ts throws it). */
export class InputBreak extends Error {
  constructor(
    readonly reason: string,
    readonly byte: number
  ) {
    super(reason)
  }
}

export async function* readEvents(stream: AsyncIterable<Buffer | string>, file?: string): AsyncGenerator<InputItem> {
  let position = 0
  for await (const item of readItems(stream)) {
    // A break is no item of the input: it takes no place (the next run reads the same file to the same point).
    yield { ...(file ? { file } : {}), position: item.broken ? position + 1 : ++position, ...item }
  }
}

/** Why the start of an input is not UTF-8 text: UTF-16 (a byte-order mark, or NULs between ASCII characters). */
function notUtf8(head: Buffer): string | undefined {
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)
  if (bom16 || head.subarray(0, 64).includes(0)) {
    return 'is UTF-16 (or another encoding with NUL bytes)'
  }
  return undefined
}

type Item = Omit<InputItem, 'position'>

async function* readItems(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Item> {
  // Set by feed(), which TypeScript does not see: declared wide.
  let mode = 'unknown' as 'unknown' | 'ndjson' | 'array'
  let line = 1
  // NDJSON: the current line. Array: the current element's text, its depth and string state.
  let text = ''
  let startLine = 1
  let depth = 0
  let inString = false
  let escaped = false
  let arrayClosed = false
  // NDJSON: a pretty-printed object being collected, from its line "{" to its line "}".
  let multiLine = false
  let collected = ''
  let done = false

  /** The items a piece of text completes; the rest waits for the next. */
  function* feed(data: string): Generator<Item> {
    for (let i = 0; i < data.length && !done; i++) {
      const c = data[i]
      if (mode === 'unknown') {
        if (c === '\n') line++
        if (/\s/.test(c)) continue
        if (c === '[') {
          mode = 'array'
          continue
        }
        mode = 'ndjson'
        startLine = line
      }
      if (mode === 'ndjson') {
        // Whole lines at a time: the rest of this text is split at newlines.
        let start = i
        for (let newline = data.indexOf('\n', start); newline >= 0; newline = data.indexOf('\n', start)) {
          const current = (text + data.slice(start, newline)).replace(/\r$/, '')
          text = ''
          start = newline + 1
          line++
          if (!multiLine && current.trim() === '{') {
            multiLine = true
            collected = `${current}\n`
            continue
          }
          if (multiLine) {
            collected += `${current}\n`
            if (current.trimEnd() !== '}') continue
            multiLine = false
          }
          const item = parseItem(multiLine || collected ? collected : current, startLine)
          collected = ''
          if (item) yield item
          startLine = line
        }
        text += data.slice(start)
        return
      }
      // A JSON array: collect each top-level element's text.
      if (c === '\n') line++
      if (arrayClosed) {
        if (!/\s/.test(c)) {
          yield { line, error: 'unexpected text after the closing ] of the JSON array' }
          done = true
        }
        continue
      }
      if (inString) {
        text += c
        if (escaped) escaped = false
        else if (c === '\\') escaped = true
        else if (c === '"') inString = false
        continue
      }
      if (depth === 0 && (c === ',' || c === ']')) {
        const item = parseItem(text, startLine)
        if (item) yield item
        else if (c === ',') yield { line, error: 'empty element in the JSON array' }
        text = ''
        if (c === ']') arrayClosed = true
        continue
      }
      if (depth === 0 && text.trim() === '') {
        if (/\s/.test(c)) continue
        startLine = line
      }
      if (c === '"') inString = true
      else if (c === '{' || c === '[') depth++
      else if (c === '}' || c === ']') depth--
      text += c
    }
  }

  // One decoder for the whole stream: a character split between two chunks is joined, not turned into U+FFFD.
  const decoder = new Utf8Decoder()
  let broken: Break | undefined
  let first = true
  try {
    for await (const chunk of stream) {
      if (typeof chunk === 'string') {
        yield* feed(chunk)
      } else {
        const problem = first ? notUtf8(chunk) : undefined
        first = false
        if (problem) {
          broken = { reason: problem, byte: 0, hint: convert('UTF-16') }
          break
        }
        const { text: decoded, invalidAt } = decoder.write(chunk)
        yield* feed(decoded)
        if (invalidAt !== undefined) broken = notUtf8At(invalidAt)
      }
      if (done || broken) break
    }
    if (!done && !broken) {
      const { text: decoded, invalidAt } = decoder.end()
      yield* feed(decoded)
      if (invalidAt !== undefined) broken = notUtf8At(invalidAt)
    }
  } catch (error) {
    broken =
      error instanceof InputBreak
        ? { reason: error.reason, byte: error.byte }
        : {
            reason: `cannot be read (${printable((error as Error).message ?? String(error))})`,
            byte: decoder.bytes,
            inText: true
          }
  }
  if (done) return

  // What the input holds after its last whole line (or element). When it broke, that is a line cut off: sent only if
  // it is a whole event (the break came just before its newline), never reported as a line that is not one.
  const rest = mode === 'ndjson' ? collected + text : mode === 'array' ? text : ''
  const last = parseItem(rest, startLine)
  if (last && (!broken || last.event)) yield last
  if (broken) {
    yield { line: rest.trim() && !last?.event ? startLine : line, broken }
    return
  }
  if (mode === 'array' && !arrayClosed) yield { line, error: 'the JSON array is not closed with ]' }
}

function notUtf8At(byte: number): Break {
  return { reason: 'is not UTF-8', byte, inText: true, hint: convert('ISO-8859-1') }
}

const convert = (from: string) => `Segment events are UTF-8 JSON; convert it first, e.g. iconv -f ${from} -t UTF-8`

function parseItem(text: string, line: number): Omit<InputItem, 'position'> | undefined {
  const trimmed = text.trim()
  if (!trimmed) return undefined
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch (error) {
    return { line, error: `not valid JSON (${printable((error as Error).message)}): ${excerpt(trimmed)}` }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { line, error: 'not a Segment event: expected a JSON object' }
  }
  if (typeof (value as SegmentEvent).type !== 'string') {
    return { line, error: 'not a Segment event: "type" is missing' }
  }
  return { line, event: value as SegmentEvent }
}

/** A short, escaped look at text that is not JSON, so binary input never reaches the terminal raw. */
function excerpt(text: string): string {
  const escaped = JSON.stringify(text.slice(0, 40)).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return `starts ${escaped}${text.length > 40 ? '...' : ''}`
}

/** A message without control or non-ASCII characters (JSON.parse quotes the text it failed on), cut short. */
function printable(message: string): string {
  const clean = message.replace(/, "[^"]*" is not valid JSON$/, '').replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 80 ? `${clean.slice(0, 80)}...` : clean
}

/**
 * UTF-8 bytes to text, one chunk after another. A character whose bytes a chunk boundary splits (files are read
 * 64 KiB at a time, gunzipped 16 KiB at a time) is held back until its last bytes come, so it arrives whole: a chunk
 * decoded on its own would turn each half into U+FFFD. Bytes that are not UTF-8 are never replaced: the text before
 * them is returned with `invalidAt`, the byte of the stream they start at, and the decoder takes nothing more.
 */
export class Utf8Decoder {
  /** The first bytes of a character the last chunk ended in (at most 3). */
  private held: Buffer = Buffer.alloc(0)
  private invalidAt?: number
  /** Bytes decoded into text so far. */
  bytes = 0

  write(chunk: Buffer): { text: string; invalidAt?: number } {
    if (this.invalidAt !== undefined) return { text: '', invalidAt: this.invalidAt }
    const bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk
    const whole = completeLength(bytes)
    this.held = Buffer.from(bytes.subarray(whole))
    return this.decode(bytes.subarray(0, whole))
  }

  /** The end of the stream: bytes still held are a character cut short. */
  end(): { text: string; invalidAt?: number } {
    if (this.invalidAt !== undefined || this.held.length === 0) return { text: '', invalidAt: this.invalidAt }
    const held = this.held
    this.held = Buffer.alloc(0)
    return this.decode(held)
  }

  private decode(bytes: Buffer): { text: string; invalidAt?: number } {
    // Checked natively first: the byte-by-byte search runs only when there is something to find.
    const valid = isUtf8(bytes) ? bytes.length : firstInvalid(bytes)
    const text = bytes.toString('utf8', 0, valid)
    if (valid < bytes.length) this.invalidAt = this.bytes + valid
    this.bytes += valid
    return this.invalidAt === undefined ? { text } : { text, invalidAt: this.invalidAt }
  }
}

/** How many of `bytes` end on a character boundary: all, but for the start of a character its last bytes have not come. */
export function completeLength(bytes: Buffer): number {
  // The last character's first byte: back over at most 3 continuation bytes (10xxxxxx).
  let start = bytes.length - 1
  while (start >= 0 && start > bytes.length - 4 && (bytes[start] & 0xc0) === 0x80) start--
  if (start < 0) return bytes.length
  const lead = bytes[start]
  // ASCII, or a byte that starts no character (0x80-0xc1, 0xf5-0xff): nothing to wait for.
  if (lead < 0xc2 || lead > 0xf4) return bytes.length
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
  return start + length > bytes.length ? start : bytes.length
}

/** Where the first byte sequence that is not well-formed UTF-8 starts (Unicode's table 3-7), or the length. */
function firstInvalid(bytes: Buffer): number {
  const within = (i: number, low: number, high: number) => i < bytes.length && bytes[i] >= low && bytes[i] <= high
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]
    let length = 0
    if (b < 0x80) length = 1
    else if (b >= 0xc2 && b <= 0xdf) length = within(i + 1, 0x80, 0xbf) ? 2 : 0
    else if (b >= 0xe0 && b <= 0xef) {
      const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf]
      length = within(i + 1, low, high) && within(i + 2, 0x80, 0xbf) ? 3 : 0
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [low, high] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf]
      length = within(i + 1, low, high) && within(i + 2, 0x80, 0xbf) && within(i + 3, 0x80, 0xbf) ? 4 : 0
    }
    if (length === 0) return i
    i += length
  }
  return bytes.length
}
