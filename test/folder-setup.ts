import nock from 'nock'

// For the exported folder's own tests (jest.config.js, project src): what action-destinations' jest setup does for
// every destination's tests there, and nothing of test/setup.ts (whose SMALL_BATCH of 1 that repository does not have).

// No test leaves the machine: HTTP goes to nock or to servers on 127.0.0.1.
nock.disableNetConnect()
nock.enableNetConnect('127.0.0.1')

beforeEach(() => nock.cleanAll())

// Node's http module outlives each test file's module registry: undo this file's nock so the next file's is the only one.
afterAll(() => {
  nock.cleanAll()
  nock.enableNetConnect()
  nock.restore()
})
