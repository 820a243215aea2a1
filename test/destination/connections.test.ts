import { Destination } from '@segment/actions-core'
import definition from '../../src'
import { SINGLE_REQUESTS_IN_FLIGHT } from '../../src/constants'
import type { Settings } from '../../src/generated-types'
import { segmentEvent } from '../helpers'
import { useSimulator } from '../simulated'

// The destination brings no agent of its own: its requests share the connections of the runtime's agent (Node's
// keeps them alive; each new one is a TLS handshake against the real Drip), and a request that timed out never hands
// its connection to the next one. Here the agent is the route to the simulator, which keeps connections as Node's does.

// Small batches as the destination sends them: one by one (the real threshold, not the tests' in setup.ts).
jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))

const drip = useSimulator({ limits: { single: 1e9, batch: 1e9 } })
let destination: Destination<Settings>
beforeEach(() => {
  destination = new Destination(definition)
})

const identify = (n: number) => segmentEvent({ type: 'identify', traits: { email: `p${n}@example.com` } })

it('sends 200 single identifies over one connection', async () => {
  const before = drip.sim.connectionCount
  for (let n = 0; n < 200; n++) await destination.onEvent(identify(n), drip.settings({ only: 'identify' }))
  expect(drip.sim.state().accounts[0].people).toHaveLength(200)
  expect(drip.sim.connectionCount - before).toBe(1)
})

it('sends 10 small batches (single requests, 4 at once) over at most 4 connections', async () => {
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
  expect(drip.sim.connectionCount - before).toBeLessThanOrEqual(SINGLE_REQUESTS_IN_FLIGHT)
})

it("never hands a timed-out request's connection to the next request", async () => {
  // Drip's 10 s timeout on a fake clock, moved on only once the stalled answer is under way: no request here can miss
  // a real-time deadline on a busy machine.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
  try {
    const settings = drip.settings({ only: 'identify' })
    await destination.onEvent(identify(0), settings)
    const before = drip.sim.connectionCount
    const answered = drip.sim.received.length
    drip.sim.inject({ status: 200, body: { subscribers: [{}], pad: 'z'.repeat(100_000) }, cut: 'stall' })
    const stalled = destination.onEvent(identify(1), settings).catch((error: Error) => error)
    while (drip.sim.received.length === answered) await new Promise((resolve) => setImmediate(resolve))
    jest.advanceTimersByTime(10_000)
    expect(((await stalled) as Error).message).toMatch(/^Drip did not answer in time/)
    // The next request goes out on a connection that is free (a new one, or the first request's), and its answer is
    // its own: not the rest of the stalled one.
    const next = await destination.onEvent(identify(2), settings)
    expect(next).toEqual(expect.arrayContaining([expect.objectContaining({ output: 'Action Executed' })]))
    expect(drip.sim.connectionCount - before).toBeLessThanOrEqual(1)
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
