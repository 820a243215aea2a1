import { createReadStream, writeFileSync } from 'fs'
import path from 'path'
import { Readable } from 'stream'
import { createGunzip, createGzip, gzipSync } from 'zlib'
import fc from 'fast-check'
import { readEvents, Utf8Decoder } from '../../tools/runner/input'
import { readInputs } from '../../tools/runner/sources'
import { tmp } from './run-cli'

// Reading Segment events from bytes: characters are never split, whatever the chunks.

// Two, three and four bytes in UTF-8: accented, CJK, emoji (and one beyond the BMP that is not an emoji).
const NAMES = ['Zoë', 'Ångström', '李小龍', 'Ünal 😀', '👩‍👩‍👧', '𝄞 clef']

/** Decodes `chunks` in turn, as readEvents does; the text, and where it stopped being UTF-8. */
function decode(chunks: Buffer[]) {
  const decoder = new Utf8Decoder()
  let text = ''
  for (const chunk of [...chunks.map((c) => decoder.write(c)), decoder.end()]) {
    text += chunk.text
    if (chunk.invalidAt !== undefined) return { text, invalidAt: chunk.invalidAt }
  }
  return { text }
}

describe('Utf8Decoder', () => {
  it.each(['ë', '李', '😀', '𝄞'])('joins %s split at every byte boundary inside it', (char) => {
    const bytes = Buffer.from(`a${char}b`)
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({ text: `a${char}b` })
    }
  })

  it('joins a character split over four chunks, one byte each', () => {
    const decoder = new Utf8Decoder()
    expect([...Buffer.from('😀')].map((byte) => decoder.write(Buffer.from([byte])).text)).toEqual(['', '', '', '😀'])
    expect(decoder.end()).toEqual({ text: '' })
  })

  it('gives any text back whole, however its bytes are chunked', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat()), (text, cuts) => {
        const bytes = Buffer.from(text)
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
        const chunks = [0, ...points].map((from, i) => bytes.subarray(from, [...points, bytes.length][i]))
        expect(decode(chunks)).toEqual({ text })
      })
    )
  })

  it.each([
    ['a Latin-1 ë', Buffer.from([0x5a, 0x6f, 0xeb, 0x0a]), 2],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), 1],
    ['an overlong encoding of /', Buffer.from([0x61, 0xc0, 0xaf]), 1],
    ['a UTF-16 surrogate', Buffer.from([0x61, 0xed, 0xa0, 0x80]), 1],
    ['a character cut short at the end', Buffer.from('a😀').subarray(0, 3), 1]
  ])('stops at %s and says at which byte, never writing U+FFFD', (_name, bytes, at) => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { text, invalidAt } = decode([bytes.subarray(0, cut), bytes.subarray(cut)])
      expect({ text, invalidAt }).toEqual({ text: bytes.subarray(0, at).toString(), invalidAt: at })
    }
  })
})

describe('names at a chunk boundary arrive byte for byte', () => {
  const line = (name: string) =>
    JSON.stringify({ type: 'identify', traits: { email: 'a@example.com', firstName: name } })

  it('from a stream whose chunks split each name inside a character', async () => {
    for (const name of NAMES) {
      const bytes = Buffer.from(`${line(name)}\n`)
      const inName = bytes.indexOf(Buffer.from(name)) + Buffer.from(name).length - 2
      const items = []
      for await (const item of readEvents(Readable.from([bytes.subarray(0, inName), bytes.subarray(inName)]))) {
        items.push(item)
      }
      expect(items.map((item) => item.event?.traits?.firstName)).toEqual([name])
    }
  })

  it('from a gzipped file, read and gunzipped in the chunks the runner reads it in', async () => {
    // Names of multibyte characters only, so the gunzip's chunk boundaries fall inside characters.
    const people = Array.from({ length: 4000 }, (_, i) => `${NAMES[i % NAMES.length]} ${'李😀ë'.repeat(5 + (i % 13))}`)
    const file = path.join(tmp(), 'part.json.gz')
    writeFileSync(file, gzipSync(people.map(line).join('\n')))

    // The fixture does what it is for: chunks as the runner gets them end inside a character, many times.
    let split = 0
    for await (const chunk of createReadStream(file).pipe(createGunzip())) {
      if ((chunk as Buffer).toString('utf8').endsWith('\ufffd')) split++
    }
    expect(split).toBeGreaterThan(5)

    const names: unknown[] = []
    const input = [{ path: file, name: 'part.json.gz', size: 0 }]
    for await (const item of readInputs(input, process.stdin)) names.push(item.event?.traits?.firstName)
    expect(names).toEqual(people)
  })
})

describe('a file that breaks partway ends with where it broke; the next file is read all the same', () => {
  const line = (i: number) => JSON.stringify({ type: 'identify', traits: { email: `p${i}@example.com` } })
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `${line(from + i)}\n`).join('')

  async function read(files: Array<{ name: string; content?: Buffer }>) {
    const dir = tmp()
    const inputs = files.map(({ name, content }) => {
      if (content) writeFileSync(path.join(dir, name), content)
      return { path: path.join(dir, name), name, size: content?.length ?? 0 }
    })
    const items = []
    for await (const item of readInputs(inputs, process.stdin)) items.push(item)
    const emails = items.filter((i) => i.event).map((i) => (i.event?.traits as { email: string }).email)
    return { dir, emails, broken: items.filter((i) => i.broken) }
  }
  const emails = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `p${from + i}@example.com`)

  it('a gzip cut short: every whole line before the cut, then the file and line it broke in', async () => {
    const whole = gzipSync(lines(0, 5000))
    const cut = whole.subarray(0, Math.floor(whole.length / 2))
    const {
      dir,
      emails: got,
      broken
    } = await read([
      { name: 'a.json.gz', content: cut },
      { name: 'b.ndjson', content: Buffer.from(lines(9000, 9003)) }
    ])
    // What zlib could gunzip of the first half, to the last whole line.
    const text = await new Promise<string>((resolve) => {
      let got = ''
      const gunzip = createGunzip()
      gunzip.on('data', (d: Buffer) => (got += d.toString('latin1')))
      gunzip.on('error', () => resolve(got))
      gunzip.end(cut)
    })
    const wholeLines = text.split('\n').length - 1
    expect(wholeLines).toBeGreaterThan(1000)
    expect(got).toEqual([...emails(0, wholeLines), ...emails(9000, 9003)])
    expect(broken).toEqual([
      expect.objectContaining({
        file: 'a.json.gz',
        position: wholeLines + 1,
        line: wholeLines + 1,
        broken: expect.objectContaining({
          path: path.join(dir, 'a.json.gz'),
          reason: `is cut short: its gzip data ends early, at byte ${cut.length} (the end of the file)`,
          byte: cut.length,
          gzip: true
        })
      })
    ])
  })

  it('a gzip cut just after a newline loses no line, and says where it broke', async () => {
    // Flushed after line 3, so the cut falls between lines.
    const gzip = createGzip()
    const parts: Buffer[] = []
    gzip.on('data', (d: Buffer) => parts.push(d))
    gzip.write(lines(0, 3))
    await new Promise<void>((resolve) => gzip.flush(() => resolve()))
    const cut = Buffer.concat(parts)
    const { emails: got, broken } = await read([{ name: 'a.gz', content: cut }])
    expect(got).toEqual(emails(0, 3))
    expect(broken.map((b) => [b.line, b.broken?.byte])).toEqual([[4, cut.length]])
  })

  it('damaged gzip data, a file that is not there, bytes that are not UTF-8 partway', async () => {
    const damaged = gzipSync(lines(0, 50))
    damaged.fill(0xff, 30, 40)
    const latin1 = Buffer.concat([
      Buffer.from(lines(0, 2)),
      Buffer.from('{"type":"identify","name":"Zo\xeb"}\n', 'latin1')
    ])
    const { emails: got, broken } = await read([
      { name: 'damaged.gz', content: damaged },
      { name: 'gone.ndjson' },
      { name: 'latin1.ndjson', content: latin1 },
      { name: 'fine.ndjson', content: Buffer.from(lines(7, 8)) }
    ])
    expect(got).toEqual([...emails(0, 2), 'p7@example.com'])
    expect(broken.map((b) => [b.file, b.line, b.broken?.reason, b.broken?.byte])).toEqual([
      ['damaged.gz', 1, expect.stringMatching(/^holds damaged gzip data \(.+\), found by byte \d+$/), damaged.length],
      [
        'gone.ndjson',
        1,
        expect.stringMatching(/^cannot be read \(ENOENT: no such file or directory, open .*\) from byte 0 on$/),
        0
      ],
      ['latin1.ndjson', 3, 'is not UTF-8', latin1.indexOf(0xeb)]
    ])
  })
})
