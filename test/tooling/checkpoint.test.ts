import { readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { Checkpoint } from '../../tools/runner/checkpoint'
import { tmp } from './run-cli'

// What a checkpoint holds: per file, the items Drip took in every subscription, and those it took in some only.

it('records an item a subscription at a time, and as a whole once all took it', () => {
  const file = path.join(tmp(), 'replay.checkpoint')
  const checkpoint = Checkpoint.open(file, 'replay')
  checkpoint.addPart('a.ndjson', 3, '0:identify')
  expect(checkpoint.took('a.ndjson', 3, '0:identify')).toBe(true)
  expect(checkpoint.took('a.ndjson', 3, '1:updateTags')).toBe(false)
  expect(checkpoint.has('a.ndjson', 3)).toBe(false)
  checkpoint.save()
  const again = Checkpoint.open(file, 'replay')
  expect(again.took('a.ndjson', 3, '0:identify')).toBe(true)
  again.add('a.ndjson', 3)
  expect(again.saved()).toEqual({ version: 2, replay: 'replay', files: { 'a.ndjson': [[3, 3]] }, partly: {} })
  expect(again.took('a.ndjson', 3, '1:updateTags')).toBe(true)
})

it('reads a checkpoint an earlier version wrote (version 1, whole items only)', () => {
  const file = path.join(tmp(), 'replay.checkpoint')
  writeFileSync(file, JSON.stringify({ version: 1, replay: 'replay', files: { 'a.ndjson': [[1, 10]] } }))
  const checkpoint = Checkpoint.open(file, 'replay')
  expect([checkpoint.has('a.ndjson', 10), checkpoint.has('a.ndjson', 11), checkpoint.taken]).toEqual([true, false, 10])
})

it('adopts a checkpoint saved with the simulated account, unless it is for another replay', () => {
  const file = path.join(tmp(), 'replay.checkpoint')
  const checkpoint = Checkpoint.open(file, 'replay')
  checkpoint.adopt({ version: 2, replay: 'another', files: { 'a.ndjson': [[1, 5]] } })
  expect(checkpoint.taken).toBe(0)
  checkpoint.adopt({ version: 2, replay: 'replay', files: { 'a.ndjson': [[1, 5]] } })
  expect([checkpoint.taken, checkpoint.changed]).toEqual([5, true])
  checkpoint.save()
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ files: { 'a.ndjson': [[1, 5]] } })
})

it('keeps the items it took as ranges, in whatever order they settle', () => {
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  for (let round = 0; round < 50; round++) {
    const checkpoint = Checkpoint.open(undefined, 'replay')
    const taken = new Set<number>()
    // Mostly in order, every other one (taken, held back), with some out of order and some twice.
    for (let i = 0; i < 200; i++) {
      const position = random() < 0.8 ? 2 * i + 1 : 1 + Math.floor(random() * 400)
      checkpoint.add('a.ndjson', position)
      taken.add(position)
    }
    const ranges = checkpoint.saved().files['a.ndjson']
    const expected: Array<[number, number]> = []
    for (const position of [...taken].sort((a, b) => a - b)) {
      const last = expected[expected.length - 1]
      if (last && position === last[1] + 1) last[1] = position
      else expected.push([position, position])
    }
    expect(ranges).toEqual(expected)
    const positions = Array.from({ length: 403 }, (_, position) => position)
    expect(positions.filter((p) => checkpoint.has('a.ndjson', p))).toEqual(positions.filter((p) => taken.has(p)))
  }
})
