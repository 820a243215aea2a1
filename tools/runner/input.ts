import type { Readable } from 'stream'
import type { SegmentEvent } from '@segment/actions-core'

// Segment events from a stream, one at a time, so a file of a million events is never held in memory. Takes NDJSON
// (one event per line) or a JSON array (split element by element as it streams in).

export interface InputItem {
  /** The item's place in the input, 1-based: the Nth line of NDJSON (blank lines aside), the Nth array element. */
  position: number
  /** The line the event starts on, 1-based. */
  line: number
  event?: SegmentEvent
  /** Why the text at `line` is not an event. */
  error?: string
}

export async function* readEvents(stream: Readable): AsyncGenerator<InputItem> {
  let position = 0
  for await (const item of readItems(stream)) yield { position: ++position, ...item }
}

async function* readItems(stream: Readable): AsyncGenerator<Omit<InputItem, 'position'>> {
  let mode: 'unknown' | 'ndjson' | 'array' = 'unknown'
  let line = 1
  // NDJSON: the current line. Array: the current element's text, its depth and string state.
  let text = ''
  let startLine = 1
  let depth = 0
  let inString = false
  let escaped = false
  let arrayClosed = false

  for await (const chunk of stream) {
    const data = typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
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
          const item = parseItem(text + data.slice(start, newline), startLine)
          if (item) yield item
          text = ''
          line++
          startLine = line
          start = newline + 1
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
  if (mode === 'ndjson') {
    const item = parseItem(text, startLine)
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
