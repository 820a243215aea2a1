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
