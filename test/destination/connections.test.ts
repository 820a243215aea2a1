import { readFileSync } from 'fs'
import path from 'path'
import { Destination } from '@segment/actions-core'
import definition from '../../src'
import { SINGLE_REQUESTS_IN_FLIGHT } from '../../src/constants'
import type { Settings } from '../../src/generated-types'
import { segmentEvent } from '../helpers'
import { useSimulator } from '../simulated'

// The destination brings no agent of its own: whether its requests share connections is the runtime's fetch's doing,
// not the destination's. node-fetch 2.7 (ours) sends them over the runtime's agent, which keeps connections alive
// (each new one is a TLS handshake against the real Drip). node-fetch 2.6.1 (what Segment's runtime loads, run by
// npm run test:fetch-2.6.1) sends `Connection: close` on every request that names no agent, so each request gets a
// connection of its own. What holds under both: a request that timed out has its connection cut, and that connection
// is never handed to another request. Here the agent is the route to the simulator, which keeps connections as
// Node's does.

// Small batches as the destination sends them: one by one (the real threshold, not the tests' in setup.ts).
jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))

/** The node-fetch actions-core's fetch runs on (require.resolve follows jest's moduleNameMapper). */
function nodeFetchVersion(): string {
  const main = require.resolve('node-fetch')
  const root = main.slice(0, main.lastIndexOf(`${path.sep}node-fetch${path.sep}`))
  return (JSON.parse(readFileSync(path.join(root, 'node-fetch', 'package.json'), 'utf8')) as { version: string })
    .version
}
/** Under node-fetch 2.6.1 every request (no agent named) asks for its connection to be closed after the answer. */
const CLOSES_EACH_CONNECTION = nodeFetchVersion() === '2.6.1'

const drip = useSimulator({ limits: { single: 1e9, batch: 1e9 } })
let destination: Destination<Settings>
beforeEach(() => {
  destination = new Destination(definition)
})

const identify = (n: number) => segmentEvent({ type: 'identify', traits: { email: `p${n}@example.com` } })

it('sends 200 single identifies over one connection, or one each where the fetch closes them (node-fetch 2.6.1)', async () => {
  const before = drip.sim.connectionCount
  for (let n = 0; n < 200; n++) await destination.onEvent(identify(n), drip.settings({ only: 'identify' }))
  expect(drip.sim.state().accounts[0].people).toHaveLength(200)
  expect(drip.sim.connectionCount - before).toBe(CLOSES_EACH_CONNECTION ? 200 : 1)
})

it('sends 10 small batches (single requests, 4 at once) over at most 4 connections, or one each under node-fetch 2.6.1', async () => {
  const before = drip.sim.connectionCount
  const settings = drip.settings({ only: 'identify', mapping: { identify: { enable_batching: true } } })
  for (let b = 0; b < 10; b++) {
    await destination.onBatch(
      Array.from({ length: 20 }, (_, n) => identify(b * 20 + n)),
      settings
    )
  }
  expect(drip.sim.state().accounts[0].people).toHaveLength(200)
  expect(drip.sim.requestCount).toBe(200)
  if (CLOSES_EACH_CONNECTION) expect(drip.sim.connectionCount - before).toBe(200)
  else expect(drip.sim.connectionCount - before).toBeLessThanOrEqual(SINGLE_REQUESTS_IN_FLIGHT)
})

it("cuts a timed-out request's connection and never hands it to the next request", async () => {
  // Drip's 10 s timeout on a fake clock, moved on only once the stalled answer is under way: no request here can miss
  // a real-time deadline on a busy machine.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
  try {
    const settings = drip.settings({ only: 'identify' })
    await destination.onEvent(identify(0), settings)
    const answered = drip.sim.received.length
    drip.sim.inject({ status: 200, body: { subscribers: [{}], pad: 'z'.repeat(100_000) }, cut: 'stall' })
    const stalled = destination.onEvent(identify(1), settings).catch((error: Error) => error)
    while (drip.sim.received.length === answered) await new Promise((resolve) => setImmediate(resolve))
    const stalledOn = drip.sim.received[answered].connection
    jest.advanceTimersByTime(10_000)
    expect(((await stalled) as Error).message).toMatch(/^Drip did not answer in time/)
    // The stalled request's connection is closed by the client (the simulator would keep it open, silent, forever).
    while (drip.sim.openConnections().includes(stalledOn)) await new Promise((resolve) => setImmediate(resolve))
    // The next request goes out on another connection, and its answer is its own: not the rest of the stalled one.
    const next = await destination.onEvent(identify(2), settings)
    expect(next).toEqual(expect.arrayContaining([expect.objectContaining({ output: 'Action Executed' })]))
    expect(drip.sim.received[answered + 1].connection).not.toBe(stalledOn)
    expect(
      drip.sim
        .state()
        .accounts[0].people.map((p) => p.email)
        .sort()
    ).toEqual(['p0@example.com', 'p2@example.com'])
  } finally {
    jest.useRealTimers()
  }
})
