import { createReadStream, writeFileSync } from 'fs'
import path from 'path'
import { Readable } from 'stream'
import { createGunzip, gzipSync } from 'zlib'
import fc from 'fast-check'
import { readEvents, Utf8Decoder } from '../../tools/runner/input'
import { readInputs } from '../../tools/runner/sources'
import { tmp } from './run-cli'

// Reading Segment events from bytes: characters are never split, whatever the chunks.

// Two, three and four bytes in UTF-8: accented, CJK, emoji (and one beyond the BMP that is not an emoji).
const NAMES = ['Zoë', 'Ångström', '李小龍', 'Ünal 😀', '👩‍👩‍👧', '𝄞 clef']

describe('Utf8Decoder', () => {
  it.each(['ë', '李', '😀', '𝄞'])('joins %s split at every byte boundary inside it', (char) => {
    const bytes = Buffer.from(`a${char}b`)
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new Utf8Decoder()
      const text = decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end()
      expect(text).toBe(`a${char}b`)
    }
  })

  it('joins a character split over three chunks, one byte each', () => {
    const decoder = new Utf8Decoder()
    const bytes = Buffer.from('😀')
    expect([...bytes].map((byte) => decoder.write(Buffer.from([byte])))).toEqual(['', '', '', '😀'])
    expect(decoder.end()).toBe('')
  })

  it('gives any text back whole, however its bytes are chunked', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat()), (text, cuts) => {
        const bytes = Buffer.from(text)
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
        const decoder = new Utf8Decoder()
        let decoded = ''
        let from = 0
        for (const point of [...points, bytes.length]) {
          decoded += decoder.write(bytes.subarray(from, point))
          from = point
        }
        expect(decoded + decoder.end()).toBe(text)
      })
    )
  })

  it('shows a character cut short at the very end as U+FFFD, as a one-piece decode does', () => {
    const decoder = new Utf8Decoder()
    expect(decoder.write(Buffer.from('😀').subarray(0, 2))).toBe('')
    expect(decoder.end()).toBe('\ufffd')
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
