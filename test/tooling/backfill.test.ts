import { mkdirSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { Writable } from 'stream'
import { gzipSync } from 'zlib'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DripSimulator } from '../../tools/simulator'
import type { SavedCheckpoint } from '../../tools/runner/checkpoint'
import { main } from '../../tools/runner/cli'
import { cli, ended, identify, runMain, start, startLive, tmp, until } from './run-cli'

// The runner as a backfill tool: a Segment archive (gzipped NDJSON in a folder per day, as Segment's S3 and GCS
// destinations write it) replayed into the simulator within Drip's hourly budget, resumable from a checkpoint. The
// simulated account is kept beside the checkpoint between runs, so what it holds proves nothing went twice: every
// event is a person of its own, written once.

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
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${identify(from + i)}\n`).join('')

it('stops cleanly at the budget, continues from the checkpoint to the end, sends nothing twice; the plan matched', async () => {
  const input = archive(12000)
  const checkpoint = path.join(tmp(), 'replay.checkpoint')
  // Batches of 100: 120 batch requests, where Drip takes 50 an hour.
  const args = [input, '--batch', '--batch-size', '100', '--quiet', '--checkpoint', checkpoint]
  const batches = 'POST /v2/9999999/subscribers/batches'

  const plan = await cli([...args, '--dry-run'])
  expect(plan.code).toBe(0)
  expect(plan.stdout).toMatch(/single requests +0 .*\n +batch requests +120 \(2\.4 h of Drip's 50 an hour\)/)
  expect(plan.stdout).toMatch(/Drip's budget needs +about 3 hours/)

  const first = await cli(args)
  expect(first.code).toBe(75)
  expect(first.stdout).toMatch(/STOPPED at Drip's hourly budget/)
  expect(first.stdout).toMatch(/delivered to Drip +5000\n/)
  expect(first.stderr).toContain(`continue with:\n  actions-drip ${args.join(' ')}\n`)
  expect(account(checkpoint).people).toHaveLength(5000)

  const rest = await cli([...args, '--wait'])
  expect(rest.code).toBe(0)
  expect(rest.stderr).toMatch(/waited 60 minutes on the simulator's clock/)
  expect(rest.stdout).toMatch(/delivered to Drip +7000\n +delivered by earlier runs +5000 \(skipped: the checkpoint\)/)
  // Every event in Drip once, and the requests sent are those the plan counted.
  const held = account(checkpoint)
  expect(new Set(held.people.map((p) => p.email)).size).toBe(12000)
  expect(held.subscriber_writes).toBe(12000)
  expect(requestsTo(first.stdout, batches) + requestsTo(rest.stdout, batches)).toBe(120)
})

it('continues after Ctrl-C from where it stopped, sending nothing twice', async () => {
  const input = archive(6000)
  const checkpoint = path.join(tmp(), 'replay.checkpoint')
  const args = [input, '--unlimited', '--checkpoint', checkpoint]
  const child = start(args)
  let stdout = ''
  let interrupted = false
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (data) => {
      stdout += data
      // Interrupted (once) some way in, whenever that is on this machine.
      if (!interrupted && /#200 .*delivered/.test(stdout)) interrupted = child.kill('SIGINT')
    })
    child.on('close', resolve)
  })
  expect(code).toBe(130)
  const stopped = account(checkpoint)
  expect(stopped.people.length).toBeGreaterThanOrEqual(200)
  expect(stopped.people.length).toBeLessThan(6000)

  const rest = await cli([...args, '--quiet'])
  expect(rest.code).toBe(0)
  const held = account(checkpoint)
  expect(held.people).toHaveLength(6000)
  expect(held.subscriber_writes).toBe(6000)
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

describe('a run that stops on an error leaves a checkpoint that covers everything it delivered', () => {
  // An output that breaks after 40 lines: a full disk (an error event), or an error thrown where the line is written.
  const breaking = (how: 'event' | 'throw') => {
    let lines = 0
    const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    const stream = new Writable({
      write(_chunk, _encoding, done) {
        done(++lines > 40 && how === 'event' ? disk : null)
      }
    })
    if (how === 'throw') {
      const write = stream.write.bind(stream)
      stream.write = ((chunk: string) => {
        if (lines >= 40) throw disk
        return write(chunk)
      }) as typeof stream.write
    }
    return stream
  }

  it.each([
    ['an output that fails (exit 1)', 'event'],
    ['an error thrown mid-run', 'throw']
  ] as const)('%s', async (_name, how) => {
    const input = archive(300)
    const checkpoint = path.join(tmp(), 'replay.checkpoint')
    const args = [input, '--unlimited', '--batch', '--batch-size', '80', '--checkpoint', checkpoint]
    let stderr = ''
    const run = main({
      argv: args,
      env: {},
      stdin: process.stdin,
      stdout: breaking(how),
      stderr: new Writable({ write: (chunk, _encoding, done) => done(void (stderr += chunk)) })
    })
    if (how === 'event') {
      expect(await run).toBe(1)
      expect(stderr).toMatch(
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
beforeAll(async () => (url = await drip.start()))
afterAll(() => drip.stop())
beforeEach(() => drip.reset())
const env = { DRIP_ACCOUNT_ID: DEMO_ACCOUNT_ID, DRIP_API_KEY: DEMO_API_TOKEN }
const held = () => drip.state().accounts[0]

describe('kill -9 with --live resends at most the Drip call in flight', () => {
  it.each([
    ['onEvent', [], '/subscribers', 1, 300],
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
      const child = startLive(args, url, env)
      const result = ended(child)
      await until(() => drip.faultsLeft() === 0)
      child.kill('SIGKILL')
      expect((await result).signal).toBe('SIGKILL')

      // Drip took six calls; the checkpoint, written after each answer, has the five answered.
      expect(held().people).toHaveLength(6 * perCall)
      expect(taken(checkpoint)).toBe(5 * perCall)

      const rest = await ended(startLive(args, url, env))
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
  const args = [input, '--mapping', mapping, '--live', '--quiet', '--checkpoint', checkpoint]

  // Drip fails the first event of the first subscription: the second takes it, and the 19 others go to both.
  drip.inject({ path: '/events', status: 500 })
  const first = await runMain(args, { env, liveApiBaseUrl: url })
  expect(first.code).toBe(1)
  expect(requestsTo(first.stdout, 'POST /v2/9999999/events')).toBe(40)
  expect(saved(checkpoint)).toMatchObject({
    files: { 'events.ndjson': [[2, 20]] },
    partly: { 'events.ndjson': { 1: ['1:trackEvent'] } }
  })

  const rest = await runMain(args, { env, liveApiBaseUrl: url })
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
    const one = await cli([file('one.json', pretty('a@example.com')), '--quiet'])
    expect([one.code, one.stdout]).toEqual([0, expect.stringMatching(/events read +1\n +delivered to Drip +1\n/)])
    const many = await cli([file('many.json', `${pretty('a@example.com')}\n${pretty('b@example.com')}\n`), '--quiet'])
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
    const { code, stderr } = await cli([make(), '--quiet'])
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
    expect((await cli([input, '--quiet', '--checkpoint', checkpoint])).code).toBe(0)
    const other = await cli([input, '--batch', '--quiet', '--checkpoint', checkpoint])
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(
      /--checkpoint .* is for another replay \(.*a\.ndjson\); give the same input and options/
    )
  })
})
