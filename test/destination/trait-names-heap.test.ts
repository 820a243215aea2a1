import { inHeapOfItsOwn } from '../helpers'

// What the destination keeps of what senders send: 3,000 identifies through Destination.onEvent, each with one
// trait name of 20,000 characters that no other has (a third as Other Traits, a third in traits.custom_fields, a
// third as Other Traits in Drip's style), and the heap after GC read every 250 of them
// (test/fixtures/trait-names-heap.ts).

it('keeps under 16 MB of 3,000 unique 20,000-character trait names, wherever they become custom fields', () => {
  const { printed, stderr } = inHeapOfItsOwn<{
    names: number
    nameLength: number
    requests: number
    grown: { held: number; released: number }
  }>('trait-names-heap.ts', '3000')
  expect(stderr).toBe('')
  const { names, nameLength, requests, grown } = printed
  expect({ names, nameLength, requests }).toEqual({ names: 3000, nameLength: 20_000, requests: 3000 })
  // The reading sees what is held: actions-core's Destination keeps each response with its request's body (over
  // 20 KB each here) until its owner lets them go, so 250 of them are over 5 MB.
  expect(grown.held).toBeGreaterThan(250 * nameLength)
  // Once they are let go, what is left is the destination's: its key cache keeps only short names (a cache of every
  // name would hold up to 1,024 of them, 40 MB).
  expect(grown.released).toBeLessThan(16 * 1024 * 1024)
})
