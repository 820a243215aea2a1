import type { SegmentEvent } from '@segment/actions-core'
import { UsageError } from '../subscriptions'

// Segment events from a stream, one at a time, so a file of a million events is never held in memory. Takes NDJSON
// (one event per line; an object pretty-printed over several lines, from a line that is just "{" to one that is just
// "}", counts as one) or a JSON array (split element by element as it streams in). UTF-8 only: UTF-16 is refused.

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
}

export async function* readEvents(stream: AsyncIterable<Buffer | string>, file?: string): AsyncGenerator<InputItem> {
  let position = 0
  for await (const item of readItems(stream, file)) yield { ...(file ? { file } : {}), position: ++position, ...item }
}

/** Why the start of an input is not UTF-8 text: UTF-16 (a byte-order mark, or NULs between ASCII characters). */
function notUtf8(head: Buffer, file = 'the input'): string | undefined {
  const bom16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)
  if (bom16 || head.subarray(0, 64).includes(0)) {
    return `${file} is UTF-16 (or another encoding with NUL bytes); Segment events are UTF-8 JSON: convert it first, e.g. iconv -f UTF-16 -t UTF-8`
  }
  return undefined
}

async function* readItems(
  stream: AsyncIterable<Buffer | string>,
  file?: string
): AsyncGenerator<Omit<InputItem, 'position'>> {
  let mode: 'unknown' | 'ndjson' | 'array' = 'unknown'
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
  let first = true

  // One decoder for the whole stream: a character split between two chunks is joined, not turned into U+FFFD.
  const decoder = new Utf8Decoder()
  for await (const chunk of stream) {
    if (first && Buffer.isBuffer(chunk)) {
      const problem = notUtf8(chunk, file)
      if (problem) throw new UsageError(problem)
    }
    first = false
    const data = typeof chunk === 'string' ? chunk : decoder.write(chunk)
    for (let i = 0; i < data.length; i++) {
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
        // Whole lines at a time: the rest of this chunk is split at newlines.
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
        break
      }
      // A JSON array: collect each top-level element's text.
      if (c === '\n') line++
      if (arrayClosed) {
        if (!/\s/.test(c)) {
          yield { line, error: 'unexpected text after the closing ] of the JSON array' }
          return
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
  // Bytes held back at the end are a character cut short: decoded as U+FFFD, so the line shows it.
  const rest = decoder.end()
  if (rest) text += rest
  if (mode === 'ndjson') {
    const item = parseItem(collected + text, startLine)
    if (item) yield item
  } else if (mode === 'array' && !arrayClosed) {
    const item = parseItem(text, startLine)
    if (item) yield item
    yield { line, error: 'the JSON array is not closed with ]' }
  }
}

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
 * decoded on its own would turn each half into U+FFFD.
 */
export class Utf8Decoder {
  /** The first bytes of a character the last chunk ended in (at most 3). */
  private held: Buffer = Buffer.alloc(0)

  write(chunk: Buffer): string {
    const bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk
    const whole = completeLength(bytes)
    this.held = Buffer.from(bytes.subarray(whole))
    return bytes.toString('utf8', 0, whole)
  }

  /** What is still held at the end of the stream: a character cut short, as U+FFFD ('' when nothing is held). */
  end(): string {
    const rest = this.held.toString('utf8')
    this.held = Buffer.alloc(0)
    return rest
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
