import { chmodSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import nock from 'nock'
import { DEMO_API_TOKEN } from '../../tools/simulator'
import { identify, ndjson, runMain, start, tmp } from './run-cli'

// The runner's command: its main() in this process, as bin.ts calls it (a process would add only its start-up, seconds
// on a loaded machine), and as a process where the process is the point (a reader that goes away, signals).

// The destination's own routing (batches under 72 records out one by one), as the command has it, not the tests' (see
// setup.ts); and an account whose hourly budget is 5 batch requests, not Drip's 50, so that stopping at it takes a
// tenth of the events (the runner goes by what the simulator answers; its plan by DRIP_HOURLY_BATCH_REQUESTS).
jest.mock('../../src/constants', () => ({
  ...jest.requireActual('../../src/constants'),
  DRIP_HOURLY_BATCH_REQUESTS: 5
}))
jest.mock('../../tools/simulator/rate-limits', () => {
  const actual = jest.requireActual('../../tools/simulator/rate-limits')
  return { ...actual, DRIP_LIMITS: { ...actual.DRIP_LIMITS, batch: 5 } }
})
// The runner routes this process's requests to Drip to its simulator on 127.0.0.1: nock steps aside.
beforeAll(() => nock.restore())

const cli = (args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}) =>
  runMain(args, { stdin: input ?? '', env })

it('replays the bundled sample into the simulator and exits 0', async () => {
  const { code, stdout } = await cli([])
  expect(code).toBe(0)
  expect(stdout).toMatch(/Replaying the sample events via onEvent → Drip simulator at http:\/\/127\.0\.0\.1:\d+/)
  expect(stdout).toMatch(/#1 identify .*→ identify .*POST \/v2\/9999999\/subscribers +200 +delivered/)
  expect(stdout).toMatch(
    /REJECTED: Email Address \(email\) is empty; its default looks in properties\.email, then context\.traits\.email: map Email Address to where your events carry it\./
  )
  expect(stdout).toMatch(/events read +21/)
  expect(stdout).toMatch(/What Drip now holds: 3 people, 7 events, 1 order, 2 carts/)
  expect(stdout).toMatch(
    /#18 track "Audience Exited" +→ updateTags +DELETE \/v2\/9999999\/subscribers\/katherine%40… 204 +delivered/
  )
  expect(stdout).toMatch(/DELETE \/v2\/9999999\/subscribers\/:id_or_email\/tags\/:tag +1/)
  expect(stdout).toMatch(
    /#7 track "Order Completed" .*→ orderActivity +POST \/v3\/9999999\/shopper_activity\/order +202 +delivered/
  )
  expect(stdout).toMatch(/order:segment:o-5001 +ada@example.com +placed, refunded +67.5 USD/)
  expect(stdout).toContain('ada@example.com')
  expect(stdout).not.toContain(DEMO_API_TOKEN)
})

it('replays page, group and alias calls with the documented mappings', async () => {
  const { code, stdout } = await cli(['--mapping', 'examples/subscriptions.json', '--json'])
  expect(code).toBe(0)
  const report = ndjson(stdout)
  const byPosition = Object.fromEntries(
    report.results.map((r: { position: number; outcome: string; action?: string }) => [
      r.position,
      [r.action, r.outcome]
    ])
  )
  expect([byPosition[11], byPosition[12], byPosition[13]]).toEqual([
    ['trackEvent', 'delivered'],
    ['identify', 'delivered'],
    ['identify', 'delivered']
  ])
  expect(report.lines.filter((l) => l.kind === 'event').map((e) => e.action)).toContain('Viewed Pricing Page')
  expect(stdout).not.toContain(DEMO_API_TOKEN)
})

it('--json streams NDJSON: a line per result, the summary, then what Drip holds', async () => {
  const input = [
    '{"type":"identify","traits":{"email":"x@example.com"}}',
    'this is not json',
    '{"type":"track","event":"Go","properties":{"email":"x@example.com"}}'
  ].join('\n')
  const { code, stdout } = await cli(['-', '--json'], input)
  expect(code).toBe(0)
  const report = ndjson(stdout)
  expect(report.lines.map((l) => l.kind)).toEqual(['result', 'result', 'result', 'summary', 'drip', 'person', 'event'])
  expect(report.results.map((r) => [r.position, r.outcome])).toEqual([
    [1, 'delivered'],
    [2, 'unparsable'],
    [3, 'delivered']
  ])
  expect(report.summary).toMatchObject({ target: 'simulator', mode: 'onEvent', eventsRead: 2, unparsable: 1 })
  expect(report.drip).toEqual({
    kind: 'drip',
    account: '9999999',
    people: 1,
    events: 1,
    assumed: { eventCreatesPerson: true }
  })
  expect(report.people.map((p) => p.email)).toEqual(['x@example.com'])
})

it('fails the run with --strict when an event was rejected', async () => {
  const { code } = await cli(['-', '--strict', '--quiet'], '{"type":"identify","traits":{"email":"nope"}}')
  expect(code).toBe(1)
})

it("stops at Drip's hourly budget before a request it would refuse, and says how to continue (exit 75)", async () => {
  // Batches of 100, large enough for the batch endpoint (smaller ones go out as single requests).
  const input = Array.from({ length: 510 }, (_, i) => identify(i))
  const { code, stdout, stderr } = await cli(['-', '--batch', '--batch-size', '100', '--quiet'], input.join('\n'))
  expect(code).toBe(75)
  // Drip said the 5th was the last of the hour: no 6th request, no 429.
  expect(stdout).toMatch(/STOPPED at Drip's hourly budget/)
  expect(stdout).toMatch(/delivered to Drip +500\n/)
  expect(stdout).toMatch(/POST \/v2\/9999999\/subscribers\/batches +5\n/)
  expect(stdout).not.toMatch(/429/)
  expect(stderr).toMatch(
    /stopped at Drip's hourly budget, which comes back in 60 minutes .* run again with --checkpoint FILE/
  )
  // --quiet: failures and the summary, no tables of what Drip holds.
  expect(stdout).not.toMatch(/What Drip now holds/)
})

it('shows the values it left out, on the event line and in the summary', async () => {
  const event = { type: 'identify', traits: { email: 'n@example.com', sms_number: '612 555 1212' } }
  const { stdout } = await cli(['-'], JSON.stringify(event))
  const note = 'SMS Number left out: Drip takes US numbers in E.164 form with the country code, e.g. +16125551212.'
  expect(stdout).toContain(`200  delivered (${note})`)
  expect(stdout).toContain(`values left out of delivered events:\n         1 × ${note}`)
  expect(stdout).toContain('What Drip now holds: 1 person, 0 events')
})

it('leaves the same people in Drip with --batch as without (each person in input order)', async () => {
  const dir = tmp()
  const [single, batched] = [path.join(dir, 'single.json'), path.join(dir, 'batched.json')]
  await cli(['--state-out', single])
  await cli(['--batch', '--state-out', batched])
  const people = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8')).accounts[0].people.map(
      ({ email, status, tags }: { email: string; status: string; tags: string[] }) => ({ email, status, tags })
    )
  expect(people(batched)).toEqual(people(single))
  expect(people(single).find((p: { email: string }) => p.email === 'ada@example.com').status).toBe('unsubscribed')
})

describe('usage errors: exit 2, a message naming what is wrong, nothing sent', () => {
  const mappingFile = (subscribe: string) => {
    const file = path.join(tmp(), 'subscriptions.json')
    writeFileSync(file, JSON.stringify([{ preset: 'Identify' }, { partnerAction: 'identify', subscribe, mapping: {} }]))
    return file
  }

  it.each([
    ['bogus', 'not valid FQL'],
    ['type = ', 'it ends with an operator'],
    ['type == "track"', '"=" is not an event type (track, identify, page, screen, group, alias); write type = "track"'],
    ['type = "track" and', 'it ends with an operator']
  ])('a mapping whose trigger is %p', async (subscribe, why) => {
    const file = mappingFile(subscribe)
    const { code, stderr } = await cli(['--mapping', file])
    expect(code).toBe(2)
    expect(stderr).toBe(
      `actions-drip: --mapping ${file}: entry 2: "${subscribe}" is not a valid trigger: ${why}\n` +
        'Run actions-drip --help for usage.\n'
    )
  })

  it.each([
    [['--frobnicate'], {}, /^actions-drip: Unknown option '--frobnicate'/],
    [['--batch-size', '5'], {}, /^actions-drip: --batch-size goes with --batch\n/],
    [['--event-creates-person', 'maybe'], {}, /^actions-drip: --event-creates-person takes yes or no\n/],
    [['--live'], { DRIP_ACCOUNT_ID: '1234567' }, /^actions-drip: --live needs DRIP_API_KEY in the environment;/],
    [
      ['--live'],
      { DRIP_ACCOUNT_ID: 'abc', DRIP_API_KEY: 'k' },
      /^actions-drip: --live: DRIP_ACCOUNT_ID must be your numeric Drip account id/
    ],
    [['test/tooling'], {}, /^actions-drip: test\/tooling holds no event files \(.ndjson, .jsonl, .json or .gz/],
    [
      ['--state-out', '/nonexistent-dir/state.json'],
      {},
      /^actions-drip: --state-out .*: \/nonexistent-dir does not exist/
    ]
  ])('%p', async (args, env, message) => {
    const { code, stdout, stderr } = await cli(args as string[], undefined, env as NodeJS.ProcessEnv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(stdout).toBe('')
  })

  it.each([
    [
      { preset: 'Identify', mapping: { emial: { '@path': '$.traits.email' } } },
      'entry 1: "emial" is no field of identify; its fields are custom_fields (Custom fields), email (Email Address)'
    ],
    [
      { partnerAction: 'updateTags', subscribe: 'type = "track"', mapping: { tags_to_add: 'vip' } },
      'entry 1: "tags_to_add" is no field of updateTags; its fields are email (Email Address), tags (Tags to Add)'
    ],
    [
      { partnerAction: 'updateTags', subscribe: 'type = "track"', mapping: 'bad' },
      'entry 1: "mapping" must be an object of field keys and values, not "bad"'
    ]
  ])('a mapping entry %j', async (entry, message) => {
    const file = path.join(tmp(), 'subscriptions.json')
    writeFileSync(file, JSON.stringify([entry]))
    const { code, stderr } = await cli(['--mapping', file])
    expect(code).toBe(2)
    expect(stderr).toContain(`actions-drip: --mapping ${file}: ${message}`)
  })

  it('--state-out to a file it cannot write (checked before the run)', async () => {
    const dir = tmp()
    chmodSync(dir, 0o500)
    const { code, stderr } = await cli(['--state-out', path.join(dir, 'state.json')])
    chmodSync(dir, 0o700)
    // root may write anywhere: then the run goes on and writes it.
    if (process.getuid?.() === 0) expect(code).toBe(0)
    else expect([code, stderr]).toEqual([2, expect.stringMatching(/is not writable/)])
  })
})

it('shows binary input as a short escaped excerpt, never raw', async () => {
  const { code, stdout } = await cli(
    ['-', '--quiet'],
    Buffer.from([1, 2, 0x1b, 0x5b, 0x32, 0x4a, 10, ...Buffer.from(identify(1))])
  )
  expect(code).toBe(0)
  expect(stdout).toMatch(/^stdin:1 .* UNPARSABLE: not valid JSON \(.*\): starts "\\u0001\\u0002\\u001b\[2J"/)
  expect([...stdout].some((c) => c.charCodeAt(0) < 0x09 || c.charCodeAt(0) === 0x1b)).toBe(false)
})

it('piped into a reader that goes away (| head), ends quietly', async () => {
  const input = Array.from({ length: 2000 }, (_, i) => identify(i)).join('\n')
  const child = start(['-', '--unlimited'])
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  child.stdout.once('data', () => child.stdout.destroy())
  child.stdin.end(input)
  const code = await new Promise((resolve) => child.on('close', resolve))
  expect(stderr).toBe('')
  expect(code).toBe(0)
})

it.each([
  ['SIGINT', 130],
  ['SIGTERM', 143]
] as const)('on %s: stops reading, reports what was sent, prints the summary, exits %d', async (signal, exitCode) => {
  const child = start(['-', '--batch', '--batch-size', '50', '--unlimited'])
  let stdout = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stdin.on('error', () => undefined)
  // Events keep coming until the signal; some wait in a batch when it arrives.
  let i = 0
  const feed = setInterval(
    () => child.stdin.write(`${Array.from({ length: 30 }, () => identify(i++)).join('\n')}\n`),
    20
  )
  await new Promise<void>((resolve) => {
    const check = () => (/ delivered/.test(stdout) ? resolve() : setTimeout(check, 20))
    check()
  })
  child.kill(signal)
  const code = await new Promise((resolve) => child.on('close', resolve))
  clearInterval(feed)
  expect(code).toBe(exitCode)
  expect(stdout).toMatch(new RegExp(`Summary \\(onBatch, .*\\): INTERRUPTED by ${signal}`))
  const read = Number(/events read +(\d+)/.exec(stdout)?.[1])
  const delivered = Number(/delivered to Drip +(\d+)/.exec(stdout)?.[1])
  expect(read).toBeGreaterThan(50)
  // Everything read was sent, the partial batch included, and each event has its line.
  expect(delivered).toBe(read)
  expect(stdout.match(/ delivered$/gm)).toHaveLength(read)
  expect(stdout).toContain('the rest of the input was not read')
})

it('says which assumption about unknown people it made, and shows the other case on request', async () => {
  const input = JSON.stringify({ type: 'track', event: 'Went', properties: { email: 'new@example.com' } })
  const yes = await cli(['-'], input)
  expect(yes.stdout).toMatch(/What Drip now holds: 1 person, 1 event/)
  expect(yes.stdout).toContain(
    'Assumed: an event or tag for an email Drip does not know creates the person, subscribed'
  )
  const no = await cli(['-', '--event-creates-person', 'no'], input)
  expect(no.stdout).toMatch(/What Drip now holds: 0 people, 1 event/)
  expect(no.stdout).toContain('creates nobody (--event-creates-person no)')
})

it('documents itself with --help', async () => {
  const { code, stdout } = await cli(['--help'])
  expect(code).toBe(0)
  for (const flag of ['--batch', '--mapping', '--live', '--json', '--strict', 'Exit codes', 'SIGINT'])
    expect(stdout).toContain(flag)
})

it('replays the example warehouse model with its sync modes (examples/warehouse-mapping.json)', async () => {
  const { code, stdout } = await cli([
    'examples/warehouse-rows.ndjson',
    '--mapping',
    'examples/warehouse-mapping.json',
    '--json'
  ])
  expect(code).toBe(0)
  const { people } = ndjson(stdout)
  // Upsert made the people; mirror tagged those in the model and untagged the one whose row was deleted.
  expect(people.map((p: { email: string; tags: string[] }) => [p.email, p.tags])).toEqual([
    ['ada@example.com', ['trial-step-3']],
    ['bo@example.com', []],
    ['cy@example.com', ['trial-step-3']],
    ['di@example.com', ['trial-step-3']]
  ])
})
