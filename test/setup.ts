import nock from 'nock'
import { contractViolations } from './contract'

// Most batch tests look at what goes to Drip's batch endpoints, so in tests a batch of any size goes there. The
// destination's own routing of batches under SMALL_BATCH records to single requests is routing.test.ts's subject,
// which takes the real constants back.
jest.mock('../src/constants', () => ({ ...jest.requireActual('../src/constants'), SMALL_BATCH: 1 }))

// No test leaves the machine: HTTP goes to nock or to servers on 127.0.0.1.
nock.disableNetConnect()
nock.enableNetConnect('127.0.0.1')

// Node's http module outlives each test file's module registry: undo this file's nock so the next file's is the only one.
afterAll(() => {
  nock.cleanAll()
  nock.enableNetConnect()
  nock.restore()
})

// Every request a test sent through helpers.intercept must keep the contract with Drip (test/contract.ts).
afterEach(() => {
  const violations = contractViolations.splice(0)
  expect(violations).toEqual([])
})
