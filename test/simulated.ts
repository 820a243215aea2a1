import { Destination } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import { createDefinition } from '../src'
import type { Settings } from '../src/generated-types'
import { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN, type SimulatorOptions } from '../tools/simulator'
import { presetSubscriptions, type PresetOptions } from '../tools/subscriptions'
import { contractProblems } from './contract'

/** The API key as older setup guides had admins paste it (`echo <key>: | base64`). */
export const ENCODED_DEMO_KEY = Buffer.from(`${DEMO_API_TOKEN}:\n`).toString('base64')

export interface Simulated {
  sim: DripSimulator
  definition: ReturnType<typeof createDefinition>
  destination: Destination<Settings>
  /** Runtime settings for the demo account (key in the old encoded form) with the presets as subscriptions. */
  settings(presets?: PresetOptions): JSONObject
}

/**
 * A test file's Drip: the simulator on 127.0.0.1 and the destination built against it, started once per file and
 * reset before each test. After each test, every request the simulator received must keep the contract with Drip.
 */
export function useSimulator(
  options: SimulatorOptions = {},
  build: { requestTimeoutMs?: number; smallBatch?: number } = {}
): Simulated {
  const simulated = {} as Simulated
  beforeAll(async () => {
    simulated.sim = new DripSimulator(options)
    // Every batch to the batch endpoint, as most tests want (routing small batches is test/routing.test.ts's).
    simulated.definition = createDefinition(await simulated.sim.start(), { smallBatch: 1, ...build })
    simulated.destination = new Destination(simulated.definition)
    simulated.settings = (presets = {}) =>
      ({
        accountId: DEMO_ACCOUNT_ID,
        apiKey: ENCODED_DEMO_KEY,
        subscriptions: presetSubscriptions(simulated.definition, presets)
      }) as unknown as JSONObject
  })
  afterAll(() => simulated.sim.stop())
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
