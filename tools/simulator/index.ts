export { DripSimulator, DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from './server'
export type { Chaos, Fault, ReceivedRequest, SimulatorOptions } from './server'
export type { Person, ShopperRecord, StoredEvent } from './state'
