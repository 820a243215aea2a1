import nock from 'nock'
import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject } from '@segment/actions-core'
import definition from '../src'
import type { Settings } from '../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN, type SimulatorOptions } from '../tools/simulator'
import { routeDripTo } from '../tools/simulator/routing'
import { presetSubscriptions, type PresetOptions } from '../tools/subscriptions'
import { contractProblems } from './contract'

/** The API key as older setup guides had admins paste it (`echo <key>: | base64`). */
export const ENCODED_DEMO_KEY = Buffer.from(`${DEMO_API_TOKEN}:\n`).toString('base64')

export interface Simulated {
  sim: DripSimulator
  definition: DestinationDefinition<Settings>
  destination: Destination<Settings>
  /** Runtime settings for the demo account (key in the old encoded form) with the presets as subscriptions. */
  settings(presets?: PresetOptions): JSONObject
}

/**
 * A test file's Drip: the simulator on 127.0.0.1, with this process's requests to Drip routed to it, started once per
 * file and reset before each test. After each test, every request the simulator received must keep the contract with
 * Drip. nock steps aside meanwhile: its interceptor would open its own connection to Drip's host, not the route's.
 */
export function useSimulator(options: SimulatorOptions = {}): Simulated {
  const simulated = {} as Simulated
  let unroute = () => undefined as void
  beforeAll(async () => {
    simulated.sim = new DripSimulator(options)
    nock.restore()
    unroute = routeDripTo(await simulated.sim.start())
    simulated.definition = definition
    simulated.destination = new Destination(simulated.definition)
    simulated.settings = (presets = {}) =>
      ({
        accountId: DEMO_ACCOUNT_ID,
        apiKey: ENCODED_DEMO_KEY,
        subscriptions: presetSubscriptions(simulated.definition, presets)
      }) as unknown as JSONObject
  })
  // nock stays off for the rest of the file: setup.ts's own cleanup then leaves the next file a clean http module.
  afterAll(async () => {
    unroute()
    await simulated.sim.stop()
  })
  beforeEach(() => simulated.sim.reset())
  afterEach(() => {
    const problems = simulated.sim.received.flatMap((r) =>
      contractProblems(r.method, r.path, r.text ? JSON.parse(r.text) : undefined)
    )
    simulated.sim.received.length = 0
    expect(problems).toEqual([])
  })
  return simulated
}
