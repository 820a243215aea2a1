import { accessSync, constants, createReadStream, existsSync, readdirSync, statSync } from 'fs'
import path from 'path'
import { Readable } from 'stream'
import { createGunzip } from 'zlib'
import { UsageError } from '../subscriptions'
import { readEvents, type InputItem } from './input'

// Where a replay's events come from: a file, stdin, or a folder of them such as Segment's archive (its S3 and GCS
// destinations write gzipped NDJSON, a folder per source and hour). Gzip is recognised by its first bytes, whatever
// the file is called.

export interface InputFile {
  /** Where to read it; "-" for stdin. */
  path: string
  /** How results and the checkpoint name it: its path below the folder given, or the file name. */
  name: string
  /** Bytes on disk (0 for stdin). */
  size: number
}

const EVENT_FILE = /\.(ndjson|jsonl|json|gz|txt|log)$/i

/** The files an input names: stdin, one file, or every event file below a folder in path order (Segment names its folders by time). */
export function inputFiles(source: string): InputFile[] {
  if (source === '-') return [{ path: '-', name: 'stdin', size: 0 }]
  if (!existsSync(source)) throw new UsageError(`no such input file or folder: ${source}`)
  if (!statSync(source).isDirectory()) return [readable({ path: source, name: path.basename(source) })]
  const files = filesBelow(source)
    .filter((file) => EVENT_FILE.test(file))
    .sort()
  if (files.length === 0) {
    throw new UsageError(`${source} holds no event files (.ndjson, .jsonl, .json or .gz, in any folder below it)`)
  }
  return files.map((file) => readable({ path: file, name: path.relative(source, file) }))
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    return entry.isDirectory() ? filesBelow(file) : entry.isFile() ? [file] : []
  })
}

function readable(file: Omit<InputFile, 'size'>): InputFile {
  try {
    accessSync(file.path, constants.R_OK)
  } catch {
    throw new UsageError(`cannot read ${file.path}`)
  }
  return { ...file, size: statSync(file.path).size }
}

/** A stream's bytes, gunzipped when they start as gzip does (1f 8b). */
async function* decompressed(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const iterator = stream[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) return
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value)
  async function* whole() {
    yield head
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
    }
  }
  if (head[0] === 0x1f && head[1] === 0x8b) yield* Readable.from(whole()).pipe(createGunzip())
  else yield* whole()
}

/** Every input item of every file in turn, each with the file it came from. */
export async function* readInputs(
  files: InputFile[],
  stdin: NodeJS.ReadableStream,
  onBytes: (bytes: number) => void = () => undefined
): AsyncGenerator<InputItem> {
  for (const file of files) {
    const raw = (file.path === '-' ? stdin : createReadStream(file.path)) as AsyncIterable<Buffer>
    async function* counted() {
      for await (const chunk of raw) {
        onBytes(chunk.length)
        yield chunk
      }
    }
    for await (const item of readEvents(decompressed(counted()), file.name)) yield item
  }
}
