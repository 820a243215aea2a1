import { mkdirSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { gzipSync } from 'zlib'
import { cli, identify, runMain, start, tmp } from './run-cli'

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
  people: Array<{ email: string }>
  subscriber_writes: number
}
const account = (checkpoint: string) =>
  (JSON.parse(readFileSync(`${checkpoint}.drip.json`, 'utf8')) as { accounts: Account[] }).accounts[0]
const requestsTo = (stdout: string, endpoint: string) =>
  Number(new RegExp(`${endpoint.replace(/\//g, '\\/')} +(\\d+)`).exec(stdout)?.[1] ?? 0)

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
