import { spawn } from 'child_process'
import { mkdtempSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { Writable } from 'stream'
import { main } from '../runner/cli'
import { writeArchive } from './archive'

// A backfill as issue 31 met it, measured: an archive of identify and track calls mixed per person (some people met
// first through a track, some never identified) planned with --dry-run, then replayed into the simulator at Drip's
// limits: a first run that stops at the budget, and a second with --wait to the end. It compares the plan with the
// runs (requests, hours of Drip's budget) and what Drip holds with whose consent the archive gives.
//
//   npm run bench:backfill [-- --events 150000]

interface Child {
  code: number
  seconds: number
  maxRssMb: number
  /** The --json lines of kind plan, summary and drip, and every person. */
  lines: Array<Record<string, unknown>>
}

/** One runner invocation in a fresh process, keeping only the lines that are not per-event results. */
async function runner(args: string[]): Promise<Child> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', ...args], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let text = ''
  child.stdout.on('data', (chunk) => (text += chunk))
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  const end = lines.pop() as { code: number; seconds: number; maxRssMb: number }
  if (code !== 0) throw new Error(`the runner's process failed (${code})`)
  return { ...end, lines }
}

/** In the child: the runner's main(), its per-event lines dropped as they come, then how it went. */
async function child(argv: string[]) {
  let pending = ''
  const kept: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) if (line && !line.startsWith('{"kind":"result"')) kept.push(line)
      done()
    }
  })
  const started = process.hrtime.bigint()
  const code = await main({ argv, env: {}, stdin: process.stdin, stdout: sink, stderr: process.stderr })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  for (const line of kept) process.stdout.write(`${line}\n`)
  process.stdout.write(`${JSON.stringify({ code, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
}

/** The numbers of a plan or summary line that the measurement reads. */
type Numbers = Record<'wouldSend' | 'requests' | 'singleRequests' | 'batchRequests' | 'budgetHours', number> &
  Record<'held' | 'heldPeople' | 'delivered', number> & { simulator: { budgetHours: number; clockAheadMs: number } }
const kind = (run: Child, name: string) => run.lines.find((line) => line.kind === name) as unknown as Numbers
const n = (value: number) => value.toLocaleString('en-US')

async function measure(events: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'actions-drip-backfill-'))
  try {
    const archive = path.join(dir, 'archive')
    const facts = writeArchive(archive, { events })
    console.log(
      `archive: ${n(facts.events)} events of ${n(facts.people)} people in ${facts.files} gzipped files; ` +
        `${n(facts.identified)} identified (${n(facts.trackFirst)} met first through a track, ` +
        `${n(facts.optedIn.length)} opted in by their first identify), ${n(facts.tracksOnly.length)} with tracks only`
    )
    const checkpoint = path.join(dir, 'backfill.json')
    const args = [archive, '--batch', '--json']

    const plan = await runner([...args, '--dry-run'])
    const planned = kind(plan, 'plan')
    console.log(
      `dry run: ${plan.seconds.toFixed(1)} s, max RSS ${plan.maxRssMb.toFixed(0)} MB: would send ` +
        `${n(planned.wouldSend)} in ${n(planned.requests)} requests (${n(planned.singleRequests)} single, ` +
        `${planned.batchRequests} batch), ${planned.budgetHours} hours of Drip's budget; would hold back ` +
        `${n(planned.held)} calls of ${n(planned.heldPeople)} people`
    )

    const first = await runner([...args, '--checkpoint', checkpoint])
    const stopped = kind(first, 'summary')
    const rest = await runner([...args, '--checkpoint', checkpoint, '--wait'])
    const done = kind(rest, 'summary')
    const people = rest.lines.filter((line) => line.kind === 'person') as Array<{ email: string; status: string }>
    const requests = stopped.requests + done.requests
    const hours = stopped.simulator.budgetHours + done.simulator.budgetHours
    console.log(
      `run 1: ${first.seconds.toFixed(1)} s, max RSS ${first.maxRssMb.toFixed(0)} MB, exit ${first.code}: ` +
        `delivered ${n(stopped.delivered)} in ${n(stopped.requests)} requests, ${stopped.simulator.budgetHours} ` +
        `budget hour`
    )
    console.log(
      `run 2 (--wait): ${rest.seconds.toFixed(1)} s, max RSS ${rest.maxRssMb.toFixed(0)} MB, exit ${rest.code}: ` +
        `delivered ${n(done.delivered)} in ${n(done.requests)} requests, ${done.simulator.budgetHours} budget hours ` +
        `(the simulator's clock moved on ${(done.simulator.clockAheadMs / 3_600_000).toFixed(2)} h waiting)`
    )
    const off = (100 * Math.abs(requests - planned.requests)) / planned.requests
    console.log(
      `requests: planned ${n(planned.requests)}, sent ${n(requests)} (${off.toFixed(2)}% apart); budget hours: ` +
        `planned ${planned.budgetHours}, the simulator's clock ${hours}`
    )
    const status = new Map(people.map((p) => [p.email, p.status]))
    const created = facts.tracksOnly.filter((email) => status.has(email))
    const optedIn = new Set(facts.optedIn)
    const active = [...status].filter(([, s]) => s === 'active').map(([email]) => email)
    const activeWithout = active.filter((email) => !optedIn.has(email))
    const optedInNot = facts.optedIn.filter((email) => status.get(email) !== 'active')
    console.log(
      `Drip holds ${n(people.length)} people (${n(facts.identified)} identified in the archive); ` +
        `${n(created.length)} of the ${n(facts.tracksOnly.length)} with tracks only were created; ` +
        `${n(active.length)} active: ${n(activeWithout.length)} not opted in by their own identify, ` +
        `${n(optedInNot.length)} opted in but not active`
    )
    const met = off <= 2 && hours === planned.budgetHours && created.length === 0 && activeWithout.length === 0
    console.log(met ? 'met: plan within 2%, hours equal, nobody created or subscribed without consent' : 'NOT MET')
    if (!met) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--child') {
  child(process.argv.slice(3)).catch((error) => {
    console.error(error)
    process.exit(1)
  })
} else {
  const at = process.argv.indexOf('--events')
  measure(at > 0 ? Number(process.argv[at + 1]) : 150_000).catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
