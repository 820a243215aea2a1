import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { Writable } from 'stream'
import { constants, createGunzip, gunzipSync, gzipSync } from 'zlib'
import nock from 'nock'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DripSimulator } from '../../tools/simulator'
import { routeDripTo } from '../../tools/simulator/routing'
import type { SavedCheckpoint } from '../../tools/runner/checkpoint'
import { main } from '../../tools/runner/cli'
import { ended, identify, runMain, start, startLive, tmp, until } from './run-cli'

// The runner as a backfill tool: a Segment archive (gzipped NDJSON in a folder per day, as Segment's S3 and GCS
// destinations write it) replayed into the simulator within Drip's hourly budget, resumable from a checkpoint. The
// simulated account is kept beside the checkpoint between runs, so what it holds proves nothing went twice: every
// person is written once, every event stored once.
//
// No test here hangs on the machine's speed: runs are in this process (runMain) where a process adds nothing, stop
// points are events (a line printed, a request taken), never a time, and inputs are as small as the point allows.

// An account whose hourly budget is 5 batch requests, not Drip's 50: stopping at the budget and going on after it
// take a tenth of the events (the runner goes by what the simulator answers, X-RateLimit-Remaining and 429s; its plan
// by DRIP_HOURLY_BATCH_REQUESTS). Batches of any size go to the batch endpoint, as in every test (see setup.ts).
jest.mock('../../src/constants', () => ({
  ...jest.requireActual('../../src/constants'),
  SMALL_BATCH: 1,
  DRIP_HOURLY_BATCH_REQUESTS: 5
}))
jest.mock('../../tools/simulator/rate-limits', () => {
  const actual = jest.requireActual('../../tools/simulator/rate-limits')
  return { ...actual, DRIP_LIMITS: { ...actual.DRIP_LIMITS, batch: 5 } }
})

/** An archive of `count` identify calls over three gzipped files in two day folders; its folder. */
function archive(count: number): string {
  const dir = tmp()
  const days = ['2026-11-01/00', '2026-11-01/01', '2026-11-02/00']
  let n = 0
  days.forEach((day, d) => {
    mkdirSync(path.join(dir, 'source-1', day), { recursive: true })
    const lines: string[] = []
    for (const end = Math.round(((d + 1) * count) / days.length); n < end; n++) lines.push(identify(n))
    writeFileSync(path.join(dir, 'source-1', day, `part-${d}.json.gz`), gzipSync(`${lines.join('\n')}\n`))
  })
  return dir
}

interface Account {
  people: Array<{ email: string; first_name?: string; last_name?: string }>
  events: Array<{ email: string; action: string; properties: Record<string, unknown> }>
  event_count: number
  subscriber_writes: number
}
const account = (checkpoint: string) =>
  (JSON.parse(readFileSync(`${checkpoint}.drip.json`, 'utf8')) as { accounts: Account[] }).accounts[0]
const saved = (checkpoint: string) => JSON.parse(readFileSync(checkpoint, 'utf8')) as SavedCheckpoint
/** How many items a checkpoint says Drip took (in every subscription, or in some: here each item has one). */
const taken = (checkpoint: string) => {
  const { files, partly = {} } = saved(checkpoint)
  const whole = Object.values(files)
    .flat()
    .reduce((sum, [start, end]) => sum + end - start + 1, 0)
  return whole + Object.values(partly).reduce((sum, items) => sum + Object.keys(items).length, 0)
}
/** The summary's count of requests to `endpoint`. */
const requestsTo = (stdout: string, endpoint: string) =>
  Number(new RegExp(`\\n +${endpoint.replace(/\//g, '\\/')} +(\\d+)\\n`).exec(stdout)?.[1] ?? 0)
const delivered = (stdout: string) => Number(/delivered to Drip +(\d+)\n/.exec(stdout)?.[1])
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${identify(from + i)}\n`).join('')

it('stops cleanly at the budget, continues from the checkpoint to the end, sends nothing twice; the plan matched', async () => {
  const input = archive(11 * 72)
  const checkpoint = path.join(tmp(), 'replay.checkpoint')
  // Batches of 72 (the smallest the destination sends to a batch endpoint): 11 batch requests, in an account that
  // takes 5 an hour (mocked above).
  const args = [input, '--batch', '--batch-size', '72', '--quiet', '--checkpoint', checkpoint]
  const batches = 'POST /v2/9999999/subscribers/batches'

  const plan = await runMain([...args, '--dry-run'])
  expect(plan.code).toBe(0)
  expect(plan.stdout).toMatch(/single requests +0 .*\n +batch requests +11 \(2\.2 h of Drip's 5 an hour\)/)
  expect(plan.stdout).toMatch(/Drip's budget needs +about 3 hours/)

  const first = await runMain(args)
  expect(first.code).toBe(75)
  expect(first.stdout).toMatch(/STOPPED at Drip's hourly budget/)
  expect(first.stdout).toMatch(/delivered to Drip +360\n/)
  expect(first.stderr).toContain(`continue with:\n  actions-drip ${args.join(' ')}\n`)
  expect(account(checkpoint).people).toHaveLength(360)
  expect(taken(checkpoint)).toBe(360)

  const rest = await runMain([...args, '--wait'])
  expect(rest.code).toBe(0)
  expect(rest.stderr).toMatch(/waited 60 minutes on the simulator's clock/)
  expect(rest.stdout).toMatch(/delivered to Drip +432\n +delivered by earlier runs +360 \(skipped: the checkpoint\)/)
  // Every event in Drip once, and the requests sent are those the plan counted.
  const kept = account(checkpoint)
  expect(new Set(kept.people.map((p) => p.email)).size).toBe(792)
  expect(kept.subscriber_writes).toBe(792)
  expect(requestsTo(first.stdout, batches) + requestsTo(rest.stdout, batches)).toBe(11)
})

it.each([
  ['onEvent', []],
  ['onBatch', ['--batch', '--batch-size', '80']]
])('%s: continues after Ctrl-C from where it stopped, sending nothing twice', async (_mode, mode) => {
  const input = archive(300)
  const checkpoint = path.join(tmp(), 'replay.checkpoint')
  const args = [input, '--unlimited', '--checkpoint', checkpoint, ...mode]
  // Ctrl-C as the 100th result is printed: bin.ts aborts this signal on SIGINT.
  const sigint = new AbortController()
  const first = await runMain(args, {
    signal: sigint.signal,
    onStdout: (stdout) => {
      if (!sigint.signal.aborted && (stdout.match(/ delivered$/gm)?.length ?? 0) >= 100) sigint.abort('SIGINT')
    }
  })
  expect(first.code).toBe(130)
  expect(first.stdout).toMatch(/INTERRUPTED by SIGINT/)
  // What was read is sent (a batch under way included), and all of it is recorded.
  const stopped = account(checkpoint)
  expect(stopped.people.length).toBe(delivered(first.stdout))
  expect(stopped.people.length).toBeGreaterThanOrEqual(100)
  expect(stopped.people.length).toBeLessThan(300)
  expect(taken(checkpoint)).toBe(stopped.people.length)

  const rest = await runMain([...args, '--quiet'])
  expect(rest.code).toBe(0)
  expect(delivered(rest.stdout)).toBe(300 - stopped.people.length)
  const held = account(checkpoint)
  expect(held.people).toHaveLength(300)
  expect(held.subscriber_writes).toBe(300)
})

describe('the process, stopped by a signal while it waits for input', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const)(
    '%s: stops at once, writes the checkpoint, exits %d; the next run sends the rest',
    async (signal, exit) => {
      const checkpoint = path.join(tmp(), 'replay.checkpoint')
      const args = ['-', '--unlimited', '--checkpoint', checkpoint]
      const child = start(args)
      const result = ended(child)
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      // Stdin stays open with nothing more to say: the signal must end that wait too.
      child.stdin.write(lines(0, 30))
      await until(() => /#30 .* delivered\n/.test(stdout))
      child.kill(signal)
      const { code } = await result
      expect(code).toBe(exit)
      expect(account(checkpoint).people).toHaveLength(30)
      expect(taken(checkpoint)).toBe(30)

      const rest = await runMain([...args, '--quiet'], { stdin: lines(0, 60) })
      expect(rest.code).toBe(0)
      expect(rest.stdout).toMatch(/delivered to Drip +30\n +delivered by earlier runs +30 /)
      expect(account(checkpoint)).toMatchObject({ people: expect.any(Array), subscriber_writes: 60 })
      expect(account(checkpoint).people).toHaveLength(60)
    }
  )
})

/** An output that breaks after `after` lines: a full disk (an error event), or an error thrown where a line is written. */
function breaking(how: 'event' | 'throw', after: number) {
  let lines = 0
  const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      done(++lines > after && how === 'event' ? disk : null)
    }
  })
  if (how === 'throw') {
    const write = stream.write.bind(stream)
    stream.write = ((chunk: string) => {
      if (lines >= after) throw disk
      return write(chunk)
    }) as typeof stream.write
  }
  return stream
}

/** The runner's main() writing to `stdout`, as runMain's but for an output of the test's own; its exit and stderr. */
function runInto(args: string[], stdout: Writable) {
  let stderr = ''
  const run = main({
    argv: args,
    env: {},
    stdin: process.stdin,
    stdout,
    stderr: new Writable({ write: (chunk, _encoding, done) => done(void (stderr += chunk)) })
  })
  return { run, stderr: () => stderr }
}

describe('a run that stops on an error leaves a checkpoint that covers everything it delivered', () => {
  it.each([
    ['an output that fails (exit 1)', 'event'],
    ['an error thrown mid-run', 'throw']
  ] as const)('%s', async (_name, how) => {
    const input = archive(300)
    const checkpoint = path.join(tmp(), 'replay.checkpoint')
    const args = [input, '--unlimited', '--batch', '--batch-size', '80', '--checkpoint', checkpoint]
    const { run, stderr } = runInto(args, breaking(how, 40))
    if (how === 'event') {
      expect(await run).toBe(1)
      expect(stderr()).toMatch(
        /^actions-drip: stopped: the output could not be written \(ENOSPC: no space left on device, write\); .*replay\.checkpoint records what Drip took\.\n$/
      )
    } else {
      await expect(run).rejects.toThrow('ENOSPC')
    }
    // Stopped partway, and all that Drip holds is recorded: the items of the batch whose lines were being written too.
    const stopped = account(checkpoint)
    expect(stopped.people.length).toBeGreaterThanOrEqual(40)
    expect(stopped.people.length).toBeLessThan(300)
    expect(taken(checkpoint)).toBe(stopped.people.length)

    const rest = await runMain([...args, '--quiet'])
    expect(rest.code).toBe(0)
    expect(account(checkpoint).people).toHaveLength(300)
    expect(account(checkpoint).subscriber_writes).toBe(300)
  })
})

// Drip outside the runner's process, as the real one is, for --live: a simulator here, which a runner killed with -9
// cannot take down, and which a test can fault.
const drip = new DripSimulator({ limits: { single: Infinity, batch: Infinity }, keepRequests: 0 })
let url: string
// --live runs of this process send to it: this process's requests to Drip are routed there (nock steps aside).
let unroute = () => undefined as void
beforeAll(async () => {
  url = await drip.start()
  nock.restore()
  unroute = routeDripTo(url)
})
afterAll(async () => {
  unroute()
  await drip.stop()
})
beforeEach(() => drip.reset())
const env = { DRIP_ACCOUNT_ID: DEMO_ACCOUNT_ID, DRIP_API_KEY: DEMO_API_TOKEN }
const held = () => drip.state().accounts[0]

describe('kill -9 with --live resends at most the Drip call in flight', () => {
  it.each([
    ['onEvent', [], '/subscribers', 1, 100],
    ['onBatch', ['--batch', '--batch-size', '80'], '/subscribers/batches', 80, 800]
  ] as const)(
    '%s: killed while Drip holds the answer to a request it took, the resume sends that call again and nothing else',
    async (_mode, mode, endpoint, perCall, count) => {
      const input = path.join(tmp(), 'events.ndjson')
      writeFileSync(input, lines(0, count))
      const checkpoint = path.join(tmp(), 'replay.checkpoint')
      const args = [input, '--live', '--quiet', '--checkpoint', checkpoint, ...mode]
      // Drip answers 5 calls, then takes the sixth and keeps its answer: the worst moment to die.
      drip.inject({ path: endpoint, processed: true, times: 5 })
      drip.inject({ path: endpoint, processed: true, delayMs: 600_000 })
      // A killed runner cannot remove its index of the input: it is left in the TMPDIR given here, which tmp() clears.
      const child = startLive(args, url, { ...env, TMPDIR: tmp() })
      const result = ended(child)
      await until(() => drip.faultsLeft() === 0)
      child.kill('SIGKILL')
      expect((await result).signal).toBe('SIGKILL')

      // Drip took six calls; the checkpoint, written after each answer, has the five answered.
      expect(held().people).toHaveLength(6 * perCall)
      expect(taken(checkpoint)).toBe(5 * perCall)

      // The resume in this process: its requests to Drip go to the same simulator.
      const rest = await runMain(args, { env })
      expect(rest.code).toBe(0)
      expect(rest.stdout).toMatch(
        new RegExp(`delivered to Drip +${count - 5 * perCall}\\n +delivered by earlier runs +${5 * perCall} `)
      )
      // Everyone once in Drip; written twice: the call that was in flight, and only it.
      expect(held().people).toHaveLength(count)
      expect(held().subscriber_writes - count).toBe(perCall)
    }
  )
})

it('an item two subscriptions take is sent again only to the one where Drip did not take it', async () => {
  const dir = tmp()
  // Two subscriptions for the same track events: Drip stores an event for each.
  const mapping = path.join(dir, 'mapping.json')
  writeFileSync(
    mapping,
    JSON.stringify([
      { preset: 'Track event' },
      {
        partnerAction: 'trackEvent',
        subscribe: 'type = "track"',
        mapping: { action: { '@template': 'Also {{event}}' } }
      }
    ])
  )
  const input = path.join(dir, 'events.ndjson')
  const track = (i: number) =>
    JSON.stringify({ type: 'track', event: 'Clicked', properties: { email: `p${i}@example.com` } })
  writeFileSync(input, `${Array.from({ length: 20 }, (_, i) => track(i)).join('\n')}\n`)
  const checkpoint = path.join(tmp(), 'replay.checkpoint')
  const args = [input, '--mapping', mapping, '--live', '--quiet', '--checkpoint', checkpoint, '--send-unidentified']

  // Drip fails the first event of the first subscription: the second takes it, and the 19 others go to both.
  drip.inject({ path: '/events', status: 500 })
  const first = await runMain(args, { env })
  expect(first.code).toBe(1)
  expect(requestsTo(first.stdout, 'POST /v2/9999999/events')).toBe(40)
  expect(saved(checkpoint)).toMatchObject({
    files: { 'events.ndjson': [[2, 20]] },
    partly: { 'events.ndjson': { 1: ['1:trackEvent'] } }
  })

  const rest = await runMain(args, { env })
  expect(rest.code).toBe(0)
  expect(requestsTo(rest.stdout, 'POST /v2/9999999/events')).toBe(1)
  expect(rest.stdout).toMatch(/delivered to Drip +1\n +delivered by earlier runs +19 /)
  const events = held().events
  expect(events).toHaveLength(40)
  expect(new Set(events.map((e) => `${e.email} ${e.action}`)).size).toBe(40)
})

describe('inputs a backfill meets', () => {
  const file = (name: string, content: string | Buffer) => {
    const where = path.join(tmp(), name)
    writeFileSync(where, content)
    return where
  }

  it('one pretty-printed object, and pretty-printed objects one after another', async () => {
    const pretty = (email: string) => JSON.stringify({ type: 'identify', traits: { email } }, null, 2)
    const one = await runMain([file('one.json', pretty('a@example.com')), '--quiet'])
    expect([one.code, one.stdout]).toEqual([0, expect.stringMatching(/events read +1\n +delivered to Drip +1\n/)])
    const many = await runMain([
      file('many.json', `${pretty('a@example.com')}\n${pretty('b@example.com')}\n`),
      '--quiet'
    ])
    expect([many.code, many.stdout]).toEqual([0, expect.stringMatching(/events read +2\n +delivered to Drip +2\n/)])
  })

  it.each([
    [
      'UTF-16',
      () => file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(identify(1), 'utf16le')])),
      /^actions-drip: \S*utf16\.json holds no Segment event: \S*utf16\.json:1: is UTF-16 .*; convert it first, e\.g\. iconv -f UTF-16 -t UTF-8\.\n/
    ],
    ['an empty file', () => file('empty.ndjson', ''), /^actions-drip: .*empty\.ndjson holds no Segment event\.\n/],
    [
      'nothing parsable',
      () => file('junk.ndjson', 'hello\nworld\n'),
      /^actions-drip: .*junk\.ndjson holds no Segment event \(2 items could not be read as one\)\.\n/
    ]
  ])('%s: a usage error saying what is wrong (exit 2)', async (_name, make, message) => {
    const { code, stderr } = await runMain([make(), '--quiet'])
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  it('a file that cannot be read to its end is named with where it broke; the rest is replayed (exit 65)', async () => {
    const dir = tmp()
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => identify(from + i))
    const whole = gzipSync(`${lines(0, 600).join('\n')}\n`)
    writeFileSync(path.join(dir, '1.json.gz'), whole.subarray(0, Math.floor(whole.length / 2)))
    writeFileSync(path.join(dir, '2.ndjson'), `${lines(5000, 5010).join('\n')}\n{oops\n`)
    const broken = new RegExp(
      `${dir}/1\\.json\\.gz:(\\d+): is cut short: its gzip data ends early, at byte \\d+ \\(the end of the file\\)`
    )

    const plan = await runMain([dir, '--quiet', '--dry-run'])
    expect(plan.code).toBe(65)
    expect(plan.stdout).toMatch(new RegExp(`Plan \\(dry run[^]*incomplete files +1 [^]*\\n +${broken.source}`))
    const run = await runMain([dir, '--quiet', '--unlimited'])
    expect(run.code).toBe(65)
    const line = Number(broken.exec(run.stdout)?.[1])
    expect(run.stdout).toMatch(
      new RegExp(`^INCOMPLETE ${broken.source}\\. Read: the ${(line - 1).toLocaleString('en-US')} items before it`, 'm')
    )
    expect(run.stdout).toMatch(new RegExp(`^${dir}/2\\.ndjson:11 .* UNPARSABLE: not valid JSON`, 'm'))
    expect(run.stdout).toMatch(
      new RegExp(`events read +${line - 1 + 10} \\(\\+1 unparsable lines\\)\\n +delivered to Drip +${line - 1 + 10}\\n`)
    )
    expect(run.stdout).toMatch(new RegExp(`incomplete files +1 .*\\n +${broken.source}`))
    expect(run.stderr).toMatch(/^actions-drip: 1 input file could not be read to the end \(listed in the summary\)/)
  })

  it('a checkpoint of another replay is refused, naming it', async () => {
    const checkpoint = path.join(tmp(), 'replay.checkpoint')
    const input = file('a.ndjson', `${identify(1)}\n`)
    expect((await runMain([input, '--quiet', '--checkpoint', checkpoint])).code).toBe(0)
    const other = await runMain([input, '--batch', '--quiet', '--checkpoint', checkpoint])
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(
      /--checkpoint .* is for another replay \(.*a\.ndjson\); give the same input and options/
    )
  })
})

// The damaged archive's size: BACKFILL_PEOPLE people (an identify and a track each). The suite runs 1,000 (2,000
// events); `BACKFILL_PEOPLE=10000 npx jest test/tooling/backfill.test.ts -t 'a year of history' --testTimeout=900000`
// runs the 20,000-event archive once and prints what each run did (docs/backfill.md has its figures).
const PEOPLE = Number(process.env.BACKFILL_PEOPLE ?? 1000)

describe('a year of history, damaged: the whole backfill through a dry run, a Ctrl-C, an error and a resume', () => {
  // Names of accented, CJK and emoji characters throughout, so read and gunzip chunk boundaries fall inside them.
  const NAMES = ['Zoë', 'Ångström', 'Łukasz', '李小龍', '김민준', 'Ünal 😀', '👩‍👩‍👧', '𝄞 Øre']
  const person = (n: number) => ({
    email: `p${n}@example.com`,
    firstName: `${NAMES[n % 8]}${'ë李😀'.repeat(12 + (n % 5))}`,
    lastName: `${NAMES[(3 * n + 1) % 8]} ${'ñ김'.repeat(12 + (n % 3))}${n}`
  })
  const identifyOf = (n: number) => {
    const { email, firstName, lastName } = person(n)
    return JSON.stringify({ type: 'identify', userId: `u${n}`, traits: { email, firstName, lastName } })
  }
  const trackOf = (n: number) => {
    const { email, firstName, lastName } = person(n)
    const properties = { email, name: `${firstName} ${lastName}`, n }
    return JSON.stringify({ type: 'track', userId: `u${n}`, event: 'Ordered 🍜', properties })
  }
  // Ten lines that are not events, by file and the line they take there; none in the file that is cut short.
  const JUNK = ['{"type":"identify","traits":{', 'not json', '{"traits":{"email":"x@example.com"}}', '[1, 2]', '"x"']
  const MALFORMED: Record<number, number[]> = {
    0: [3, 120],
    1: [50],
    2: [7, 200],
    4: [90],
    5: [2],
    6: [150, 151],
    7: [251]
  }
  const TRUNCATED = 3

  /** 8 gzipped files of `people / 8` people each, an identify and a track for each person; what should land. */
  function damagedArchive(people: number) {
    const dir = tmp()
    const expected = { people: new Map<string, ReturnType<typeof person>>(), events: new Map<string, string>() }
    const malformed: string[] = []
    const paths: string[] = []
    for (let f = 0; f < 8; f++) {
      const file = path.join(dir, 'source-1', `2026-0${f + 1}-01`, f % 2 ? '12' : '00', `part-${f}.json.gz`)
      mkdirSync(path.dirname(file), { recursive: true })
      paths.push(file)
      const text: string[] = []
      for (let n = (f * people) / 8; n < ((f + 1) * people) / 8; n++) text.push(identifyOf(n), trackOf(n))
      for (const line of MALFORMED[f] ?? []) {
        text.splice(line - 1, 0, JUNK[malformed.length % JUNK.length])
        malformed.push(`${file}:${line}`)
      }
      let gz = gzipSync(`${text.join('\n')}\n`)
      let readable = text
      if (f === TRUNCATED) {
        gz = gz.subarray(0, Math.floor(gz.length / 2))
        // What can be read of it: the whole lines zlib gives out before the cut (and a last line, if it is whole).
        const got = gunzipPart(gz).split('\n')
        readable = got.slice(0, -1)
        if (isJson(got[got.length - 1])) readable.push(got[got.length - 1])
      }
      writeFileSync(file, gz)
      for (const line of readable) {
        if (!isJson(line)) continue
        const event = JSON.parse(line) as {
          type?: string
          traits?: { email: string }
          properties?: { email: string; name: string }
        }
        if (event.type === 'identify')
          expected.people.set(event.traits!.email, person(Number(event.traits!.email.slice(1, -12))))
        if (event.type === 'track') expected.events.set(event.properties!.email, event.properties!.name)
      }
    }
    return { dir, expected, malformed, paths, items: expected.people.size + expected.events.size }
  }
  const isJson = (text: string) => {
    try {
      return typeof JSON.parse(text)?.type === 'string'
    } catch {
      return false
    }
  }
  /** What zlib gives out of a gzip cut short, as the runner reads it. */
  function gunzipPart(gz: Buffer): string {
    try {
      return gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH }).toString()
    } catch {
      return ''
    }
  }
  /** How many of the chunks the runner reads `file` in (64 KiB read, 16 KiB gunzipped) end inside a character. */
  async function splits(file: string): Promise<number> {
    let count = 0
    try {
      for await (const chunk of createReadStream(file).pipe(createGunzip())) {
        if ((chunk as Buffer).toString('utf8').endsWith('\ufffd')) count++
      }
    } catch {
      // The file cut short: counted up to the cut.
    }
    return count
  }

  // Batches that leave several to a file; Drip's budget is another test's subject.
  const batchSize = 80
  const events = (PEOPLE * 2).toLocaleString('en-US')
  it(`${events} events over 8 files: each valid one lands once, names byte for byte, the damage named where it is`, async () => {
    const began = Date.now()
    const { dir, expected, malformed, paths, items } = damagedArchive(PEOPLE)
    // The archive does what it is for: names fall on chunk boundaries in every file, the cut one included.
    const split = await Promise.all(paths.map(splits))
    expect(split.every((count) => count > 0)).toBe(true)
    expect(malformed).toHaveLength(10)
    const cut = new RegExp(`${paths[TRUNCATED]}:\\d+: is cut short: its gzip data ends early, at byte \\d+`)
    const checkpoint = path.join(tmp(), 'backfill.checkpoint')
    const args = [dir, '--batch', '--batch-size', String(batchSize), '--unlimited', '--checkpoint', checkpoint]
    /** What the checkpoint covers equals all that Drip holds. */
    const heldByDrip = () => account(checkpoint).people.length + account(checkpoint).event_count

    const plan = await runMain([...args, '--quiet', '--dry-run'])
    expect(plan.code).toBe(65)
    expect(plan.stdout).toMatch(new RegExp(`events to send +${items}\\n`))
    expect(plan.stdout).toMatch(new RegExp(`incomplete files +1 .*\\n +${cut.source}`))
    for (const at of malformed) expect(plan.stdout).toMatch(new RegExp(`^${at} .* UNPARSABLE: `, 'm'))

    // Ctrl-C once the files after the cut one are being delivered.
    const sigint = new AbortController()
    const after = `${path.relative(dir, paths[TRUNCATED + 1])} #`
    const first = await runMain(args, {
      signal: sigint.signal,
      onStdout: (_stdout, chunk) => {
        if (!sigint.signal.aborted && chunk.includes(after) && / delivered\n/.test(chunk)) sigint.abort('SIGINT')
      }
    })
    expect(first.code).toBe(130)
    expect(first.stdout).toMatch(new RegExp(`^INCOMPLETE ${cut.source}`, 'm'))
    // Stopped: the checkpoint covers all that Drip holds, and the account holds all the run delivered.
    expect(heldByDrip()).toBe(delivered(first.stdout))
    expect(taken(checkpoint)).toBe(delivered(first.stdout))
    expect(delivered(first.stdout)).toBeLessThan(items)

    // The resume stops on an error: its output breaks (a full disk) a few batches on. The checkpoint covers all that
    // Drip holds, the batch whose lines were being written included.
    const broken = runInto(args, breaking('event', 3 * batchSize))
    expect(await broken.run).toBe(1)
    expect(broken.stderr()).toMatch(/^actions-drip: stopped: the output could not be written \(ENOSPC/)
    const beforeLast = taken(checkpoint)
    expect(heldByDrip()).toBe(beforeLast)
    expect(beforeLast).toBeGreaterThan(delivered(first.stdout))
    expect(beforeLast).toBeLessThan(items)

    const rest = await runMain([...args, '--quiet'])
    expect(rest.code).toBe(65)
    expect(rest.stdout).toMatch(
      new RegExp(`delivered to Drip +${items - beforeLast}\\n +delivered by earlier runs +${beforeLast} `)
    )
    expect(rest.stdout).toMatch(new RegExp(`incomplete files +1 .*\\n +${cut.source}`))
    for (const at of malformed) expect(rest.stdout).toMatch(new RegExp(`^${at} .* UNPARSABLE: `, 'm'))

    // Every valid person and event once, every name byte for byte.
    const held = account(checkpoint)
    expect(held.subscriber_writes).toBe(expected.people.size)
    const people = new Map(held.people.map((p) => [p.email, [p.first_name, p.last_name]]))
    expect(people).toEqual(new Map([...expected.people].map(([email, p]) => [email, [p.firstName, p.lastName]])))
    expect(held.event_count).toBe(expected.events.size)
    expect(new Map(held.events.map((e) => [e.email, e.properties.name]))).toEqual(expected.events)
    expect(held.events).toHaveLength(expected.events.size)

    if (process.env.BACKFILL_PEOPLE) {
      const figures = {
        linesInArchive: PEOPLE * 2 + malformed.length,
        validItemsReadable: items,
        chunkBoundariesInsideACharacter: split,
        cutAt: cut.exec(rest.stdout)?.[0],
        deliveredBeforeCtrlC: delivered(first.stdout),
        checkpointAfterError: beforeLast,
        deliveredByResume: delivered(rest.stdout),
        dripHolds: { people: held.people.length, events: held.event_count, subscriberWrites: held.subscriber_writes },
        seconds: (Date.now() - began) / 1000
      }
      process.stdout.write(`backfill of ${events} events: ${JSON.stringify(figures, null, 2)}\n`)
    }
  })
})
