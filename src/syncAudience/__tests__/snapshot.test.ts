import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import { generateTestData } from '../../../../lib/test-data'
import destination from '../../index'
import nock from 'nock'

// action-destinations' snapshot pattern for one action: seeded test data from its fields, required fields only and
// all fields. The settings are a real account's (a numeric Account ID and an API token): the destination refuses any
// other Account ID before sending. A payload the action cannot send is refused with its reason: that is then the
// snapshot.
// The event is a person entering an Engage audience (the membership is the runtime's, from the event): an event that
// says nothing of membership would only give its refusal.

const testDestination = createTestIntegration(destination)
const actionSlug = 'syncAudience'
const destinationSlug = 'Drip'
const seedName = `${destinationSlug}#${actionSlug}`
const settings = { accountId: '9999999', apiKey: 'drip-api-token' }

/** The request the action sends for the seeded test data (method, URL and body), or its refusal. */
async function outcome(isRequiredOnly: boolean) {
  const action = destination.actions[actionSlug]
  const [eventData] = generateTestData(seedName, destination, action, isRequiredOnly)

  nock(/.*/).persist().get(/.*/).reply(200, {})
  nock(/.*/).persist().post(/.*/).reply(200, {})
  nock(/.*/).persist().put(/.*/).reply(200, {})
  nock(/.*/).persist().delete(/.*/).reply(204)

  const event = createTestEvent({
    properties: { ...eventData, vip_customers: true },
    context: { personas: { computation_class: 'audience', computation_key: 'vip_customers' } }
  })

  return testDestination
    .testAction(actionSlug, {
      event: event,
      mapping: eventData,
      settings: settings,
      auth: undefined
    })
    .then(
      async (responses) => {
        const request = responses[0].request
        expect(request.headers.get('authorization')).toBe(`Basic ${Buffer.from('drip-api-token:').toString('base64')}`)
        const rawBody = await request.text()
        return { method: request.method, url: request.url, body: rawBody ? JSON.parse(rawBody) : rawBody }
      },
      (error: Error) => ({ refused: `${error.name}: ${error.message}` })
    )
}

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  afterEach(() => {
    nock.cleanAll()
  })

  it('required fields', async () => {
    expect(await outcome(true)).toMatchSnapshot()
  })

  it('all fields', async () => {
    expect(await outcome(false)).toMatchSnapshot()
  })
})
