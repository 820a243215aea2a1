import nock from 'nock'

// npm run check:export's stand-in for packages/destination-actions/test/setup-after-env.ts, doing what that one does
// for every test there: interceptors do not outlive a test, nothing leaves the machine but 127.0.0.1, and nock is
// undone when the file ends.

beforeEach(() => {
  nock.cleanAll()
})

beforeAll(() => {
  nock.disableNetConnect()
  nock.enableNetConnect('127.0.0.1')
  if (!nock.isActive()) nock.activate()
})

afterAll(() => {
  nock.restore()
  nock.enableNetConnect()
  nock.cleanAll()
})
