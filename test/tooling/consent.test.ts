import { mkdirSync, writeFileSync } from 'fs'
import path from 'path'
import { gzipSync } from 'zlib'
import nock from 'nock'
import { transform } from '@segment/actions-core'
import definition from '../../src'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DripSimulator } from '../../tools/simulator'
import { routeDripTo } from '../../tools/simulator/routing'
import { presetSubscriptions } from '../../tools/subscriptions'
import { emailReader, indexArchive, People, type ArchiveIndex } from '../../tools/runner/consent'
import type { InputItem } from '../../tools/runner/input'
import { ndjson, runMain, tmp } from './run-cli'

// A backfill never makes anyone a marketing subscriber that their own history would not: each person's first identify
// (with its Initial Status) reaches Drip before anything else of theirs, wherever it is in the input, and the calls of
// people the input never identifies are held back unless the admin asks for them. The simulator creates a person an
// event names whom it does not know, subscribed (`active`), as the runner assumes Drip does: so a person's status
// in it shows which call reached it first.

const drip = new DripSimulator({ limits: { single: Infinity, batch: Infinity } })
let unroute = () => undefined as void
beforeAll(async () => {
  nock.restore()
  unroute = routeDripTo(await drip.start())
})
afterAll(async () => {
  unroute()
  await drip.stop()
})
beforeEach(() => drip.reset())
const env = { DRIP_ACCOUNT_ID: DEMO_ACCOUNT_ID, DRIP_API_KEY: DEMO_API_TOKEN }
const people = () => new Map(drip.state().accounts[0].people.map((p) => [p.email, p.status]))
/** The emails the requests Drip received name, in the order it received them (one per record). */
const received = () =>
  drip.received.flatMap((request) => {
    // The authentication test --live runs first names nobody.
    if (request.method === 'GET') return []
    const body = JSON.parse(request.text || '{}')
    const records = body.subscribers ?? body.events ?? body.batches?.[0]?.subscribers ?? body.batches?.[0]?.events
    return (records ?? [body]).map((record: { email?: string }) => `${request.path.split('/')[3]} ${record.email}`)
  })

const identify = (email: string, traits: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'identify', traits: { email, ...traits } })
const track = (email: string, event = 'Clicked') =>
  JSON.stringify({ type: 'track', event, properties: { email, source: 'web' } })

/** A folder of two gzipped files, as Segment's archive lays them out by time. */
function archive(first: string[], second: string[]): string {
  const dir = tmp()
  for (const [day, lines] of [
    ['2026-01-01', first],
    ['2026-01-02', second]
  ] as const) {
    mkdirSync(path.join(dir, day), { recursive: true })
    writeFileSync(path.join(dir, day, 'part-0.json.gz'), gzipSync(`${lines.join('\n')}\n`))
  }
  return dir
}

describe.each([
  ['onEvent', []],
  ['onBatch', ['--batch']]
])('%s: each person made by their own first identify', (_mode, mode) => {
  it("sends each person's first identify before their other calls, wherever it is in the input", async () => {
    // b and a are met first through tracks, their identifies a day later; c identifies first.
    const dir = archive(
      [track('b@example.com'), track('a@example.com'), identify('c@example.com', { initial_status: 'active' })],
      [
        track('c@example.com'),
        identify('a@example.com', { initial_status: 'active' }),
        identify('b@example.com'),
        track('b@example.com', 'Bought'),
        identify('b@example.com', { first_name: 'Bea' })
      ]
    )
    const run = await runMain([dir, '--live', '--quiet', ...mode], { env })
    expect(run.code).toBe(0)
    // b's identify left Initial Status unsubscribed (the default): a track first would have made b active.
    expect(people()).toEqual(
      new Map([
        ['a@example.com', 'active'],
        ['b@example.com', 'unsubscribed'],
        ['c@example.com', 'active']
      ])
    )
    // For each person, the first record Drip got is their identify; later identifies stay where they are.
    const order = received()
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      expect(order.find((record) => record.endsWith(` ${email}`))).toBe(`subscribers ${email}`)
    }
    const ofB = order.filter((record) => record.endsWith(' b@example.com'))
    expect(ofB).toEqual([
      'subscribers b@example.com',
      'events b@example.com',
      'events b@example.com',
      'subscribers b@example.com'
    ])
    expect(run.stdout).toMatch(/identifies sent ahead +3 /)
    expect(run.stdout).toMatch(/delivered to Drip +8\n/)
  })
})

it('holds back the calls of a person the input never identifies, counts them, and says how to send them', async () => {
  const dir = archive(
    [identify('a@example.com'), track('d@example.com')],
    [track('a@example.com'), track('d@example.com')]
  )
  const checkpoint = path.join(tmp(), 'backfill.json')
  const args = [dir, '--live', '--quiet', '--checkpoint', checkpoint]
  const held = await runMain(args, { env })
  expect(held.code).toBe(0)
  expect(people()).toEqual(new Map([['a@example.com', 'unsubscribed']]))
  expect(received()).toEqual(['subscribers a@example.com', 'events a@example.com'])
  expect(held.stdout).toMatch(
    /\n {2}held back +2 \(1 person the input never identifies: --send-unidentified sends them\)\n/
  )
  expect(held.stderr).toBe(
    'actions-drip: held back 2 calls of 1 person the input never identifies: Drip would create each of them from ' +
      'such a call (see docs/backfill.md), which their own history does not ask for. To send them all the same:\n' +
      `  actions-drip ${args.join(' ')} --send-unidentified\n` +
      '(with the same --checkpoint, that sends only what was held back and not sent)\n'
  )

  // Asked for: with the same checkpoint, only what was held goes; Drip creates the person (subscribed, it assumes).
  const sent = await runMain([...args, '--send-unidentified'], { env })
  expect(sent.code).toBe(0)
  expect(sent.stdout).toMatch(/delivered to Drip +2\n +delivered by earlier runs +2 /)
  expect(sent.stderr).toBe('')
  expect(people()).toEqual(
    new Map([
      ['a@example.com', 'unsubscribed'],
      ['d@example.com', 'active']
    ])
  )
})

it("holds back a person's calls while their first identify is not delivered, and shows its failure once", async () => {
  drip.refusedEmails.add('refused@example.com')
  const dir = archive(
    [track('refused@example.com'), identify('ok@example.com')],
    [identify('refused@example.com', { initial_status: 'active' }), track('refused@example.com', 'Bought')]
  )
  const checkpoint = path.join(tmp(), 'backfill.json')
  const run = await runMain([dir, '--live', '--checkpoint', checkpoint], { env })
  expect(run.code).toBe(1)
  // First identifies go in input order; of refused@'s calls only the identify left for Drip, the rest were held.
  expect(received()).toEqual(['subscribers ok@example.com', 'subscribers refused@example.com'])
  expect(run.stdout.match(/FAILED/g)).toHaveLength(1)
  expect(run.stdout).toMatch(
    /2026-01-02\/part-0\.json\.gz #1 identify \(first, sent ahead\) +→ identify .* 400 +FAILED: Drip refused the email: Email address is on a block list/
  )
  const held = / HELD: held back: this person's first identify \(the 2nd sent ahead\) was not delivered/g
  expect(run.stdout.match(held)).toHaveLength(2)
  expect(run.stderr).toMatch(/the first identify of 1 person was not delivered \(see their results\)/)
  expect(people()).toEqual(new Map([['ok@example.com', 'unsubscribed']]))

  // Once Drip takes it, a run again sends it first, then the calls it held.
  drip.refusedEmails.clear()
  drip.received.length = 0
  const again = await runMain([dir, '--live', '--quiet', '--checkpoint', checkpoint], { env })
  expect(again.code).toBe(0)
  expect(received()).toEqual([
    'subscribers refused@example.com',
    'events refused@example.com',
    'events refused@example.com'
  ])
  expect(people().get('refused@example.com')).toBe('active')
  expect(again.stdout).toMatch(/delivered to Drip +3\n +delivered by earlier runs +1 /)
})

it('reads stdin once: calls before a person identifies there are held back, the rest go', async () => {
  const stdin = [track('a@example.com'), identify('a@example.com'), track('a@example.com', 'Bought')].join('\n')
  const run = await runMain(['-', '--live', '--json'], { env, stdin })
  expect(run.code).toBe(0)
  const { results, summary } = ndjson(run.stdout)
  expect(results.map((r) => `${r.position} ${r.outcome}`)).toEqual(['1 held', '2 delivered', '3 delivered'])
  expect(summary).toMatchObject({ delivered: 2, held: 1, heldPeople: 1 })
  expect(received()).toEqual(['subscribers a@example.com', 'events a@example.com'])
  expect(run.stderr).toMatch(
    /^actions-drip: held back 1 call of 1 person no identify came before on stdin: .* Give the file instead of stdin/
  )
})

describe('the first pass', () => {
  const subscriptions = presetSubscriptions(definition)
  const people = new People(definition, subscriptions)
  async function* items(lines: string[]): AsyncGenerator<InputItem> {
    let position = 0
    for (const line of lines) {
      position++
      yield { file: position % 2 ? 'a.ndjson' : 'b.ndjson', position, line: position, event: JSON.parse(line) }
    }
  }
  const marks = (index: ArchiveIndex, count: number) =>
    Array.from({ length: count }, (_, i) => `${index.sentAhead.has(i) ? 'A' : '-'}${index.held.has(i) ? 'H' : '-'}`)

  it('finds the same first identifies and the same people without one, however many shards it uses', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => {
      const person = `p${i % 97}@example.com`
      return i % 97 < 10 ? track(person) : i % 5 === 0 || i < 97 ? identify(person) : track(person)
    })
    const one = await indexArchive(items(lines), people)
    const many = await indexArchive(items(lines), people, { textBytes: 64 * 16 * 1024 * 1024 })
    try {
      expect(marks(many, 400)).toEqual(marks(one, 400))
      expect([one.people, one.identified, one.unidentified, one.ahead]).toEqual([97, 87, 10, 87])
      // The first identify of each identified person, and every call of the ten who have none.
      expect(marks(one, 400).filter((mark) => mark === 'A-')).toHaveLength(87)
      expect(marks(one, 400).filter((mark) => mark === '-H')).toHaveLength(one.heldEvents)
      expect(one.heldEvents).toBe(lines.filter((_, i) => i % 97 < 10).length)
    } finally {
      one.close()
      many.close()
    }
  })

  it("reads an Email Address as the mapping kit does, for every shape the presets' mappings give it", () => {
    const events = [
      { type: 'track', properties: { email: ' A@Example.com ' }, context: { traits: { email: 'b@example.com' } } },
      { type: 'track', properties: { email: null }, context: { traits: { email: 'B@example.com' } } },
      { type: 'track', properties: { email: '' }, context: { traits: { email: 'c@example.com' } } },
      { type: 'track', properties: {}, context: {} },
      { type: 'identify', traits: { email: 42 } },
      { type: 'identify', traits: { email: 'd@example.com' }, properties: { email: 'e@example.com' } },
      { type: 'identify', properties: { email: 'e@example.com' } },
      { type: 'identify', traits: 'not an object' }
    ]
    const mappings = [
      ...subscriptions.map((s) => s.mapping.email),
      'literal@example.com',
      { '@template': '{{traits.email}}' },
      { '@path': '$.traits["email"]' }
    ]
    for (const mapping of mappings) {
      for (const event of events) {
        const kit = (transform({ email: mapping } as never, event as never) as { email?: unknown }).email
        const expected = typeof kit === 'string' && kit.trim() ? kit.trim().toLowerCase() : undefined
        expect([mapping, event, emailReader(mapping)(event as never)]).toEqual([mapping, event, expected])
      }
    }
  })
})
