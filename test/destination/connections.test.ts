import { Destination } from '@segment/actions-core'
import nock from 'nock'
import { createDefinition } from '../../src'
import { SINGLE_REQUESTS_IN_FLIGHT } from '../../src/constants'
import type { Settings } from '../../src/generated-types'
import { segmentEvent } from '../helpers'
import { useSimulator } from '../simulated'

// Connections to Drip are kept alive and shared by a destination's requests (each new one is a TLS handshake against
// the real Drip), and a request that timed out never hands its connection to the next one.

// Real HTTP to 127.0.0.1 without nock in between: nock's interceptor opens connections of its own.
beforeAll(() => nock.restore())
const drip = useSimulator({ limits: { single: 1e9, batch: 1e9 } })
let destination: Destination<Settings>
beforeEach(() => {
  // A destination of its own per test, so that each starts with no connection open.
  destination = new Destination(createDefinition(drip.sim.url))
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
    // The next request goes out on a new connection, and its answer is its own.
    await destination.onEvent(identify(2), settings)
    expect(drip.sim.connectionCount - before).toBe(1)
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
