import { accessSync, constants, createReadStream, existsSync, readdirSync, statSync } from 'fs'
import path from 'path'
import { Readable } from 'stream'
import { createGunzip } from 'zlib'
import { UsageError } from '../subscriptions'
import { InputBreak, readEvents, type InputItem } from './input'

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

/** The files of a folder that are read, by how their names end; any other file in it is left alone. */
export const EVENT_FILE_EXTENSIONS = ['.ndjson', '.jsonl', '.json', '.txt', '.log', '.gz']
const EVENT_FILE = new RegExp(`(${EVENT_FILE_EXTENSIONS.map((ext) => `\\${ext}`).join('|')})$`, 'i')

/** The extensions in words: ".ndjson, .jsonl, .json, .txt, .log and .gz". */
export const EVENT_FILES_IN_WORDS = `${EVENT_FILE_EXTENSIONS.slice(0, -1).join(', ')} and ${EVENT_FILE_EXTENSIONS.slice(-1)}`

/** The files an input names: stdin, one file, or every event file below a folder in path order (Segment names its folders by time). */
export function inputFiles(source: string): InputFile[] {
  if (source === '-') return [{ path: '-', name: 'stdin', size: 0 }]
  if (!existsSync(source)) throw new UsageError(`no such input file or folder: ${source}`)
  if (!statSync(source).isDirectory()) return [readable({ path: source, name: path.basename(source) })]
  const files = filesBelow(source)
    .filter((file) => EVENT_FILE.test(file))
    .sort()
  if (files.length === 0) {
    throw new UsageError(`${source} holds no event files (${EVENT_FILES_IN_WORDS}, in any folder below it)`)
  }
  // One that cannot be read is no reason to refuse the others: reading it says so, and the run goes on.
  return files.map((file) => ({ path: file, name: path.relative(source, file), size: statSync(file).size }))
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

/**
 * A stream's bytes, gunzipped when they start as gzip does (1f 8b); `gzip` is told so. A truncated or damaged gzip
 * throws after all it could gunzip: zlib gives out what the bytes before the damage hold.
 */
async function* decompressed(stream: AsyncIterable<Buffer | string>, gzip: () => void): AsyncGenerator<Buffer> {
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
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield* whole()
    return
  }
  gzip()
  const source = Readable.from(whole())
  const gunzip = createGunzip()
  // pipe() does not pass a source's error on: a file that fails to read would leave the gunzip waiting forever.
  source.on('error', (error) => gunzip.destroy(error))
  try {
    yield* source.pipe(gunzip)
  } finally {
    source.destroy()
  }
}

/** What a failed read of a file is, in words, and where it happened: `read` bytes of `size` had been read. */
function breakOf(error: NodeJS.ErrnoException, gzip: boolean, read: number, size: number): InputBreak {
  if (gzip && error.code === 'Z_BUF_ERROR') {
    const end = read === size ? ' (the end of the file)' : ''
    return new InputBreak(`is cut short: its gzip data ends early, at byte ${read}${end}`, read)
  }
  if (gzip && error.code?.startsWith('Z_')) {
    return new InputBreak(`holds damaged gzip data (${error.message}), found by byte ${read}`, read)
  }
  const code = error.code && !error.message.startsWith(error.code) ? `${error.code}: ` : ''
  return new InputBreak(`cannot be read (${code}${error.message}) from byte ${read} on`, read)
}

/**
 * Every input item of every file in turn, each with the file it came from. A file that breaks partway (cut short,
 * damaged, unreadable, not UTF-8) ends with an item that says where (`broken`); the next file is read all the same.
 */
export async function* readInputs(
  files: InputFile[],
  stdin: NodeJS.ReadableStream,
  onBytes: (bytes: number) => void = () => undefined
): AsyncGenerator<InputItem> {
  for (const file of files) {
    let read = 0
    let gzip = false
    async function* guarded() {
      try {
        const raw = (file.path === '-' ? stdin : createReadStream(file.path)) as AsyncIterable<Buffer>
        const counted = async function* () {
          for await (const chunk of raw) {
            read += chunk.length
            onBytes(chunk.length)
            yield chunk
          }
        }
        yield* decompressed(counted(), () => (gzip = true))
      } catch (error) {
        throw breakOf(error as NodeJS.ErrnoException, gzip, read, file.size)
      }
    }
    for await (const item of readEvents(guarded(), file.name)) {
      if (item.broken) item.broken = { ...item.broken, path: file.path === '-' ? 'stdin' : file.path, gzip }
      yield item
    }
  }
}
