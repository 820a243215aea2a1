import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import { generateTestData } from '../../../lib/test-data'
import destination from '../index'
import nock from 'nock'

// action-destinations' snapshot pattern: every action with seeded test data from its fields, required fields only
// and all fields. The settings are those a real account has (a numeric Account ID and an API token): the destination
// refuses any other Account ID before sending, so generated random settings would only test that refusal.

const testDestination = createTestIntegration(destination)
const destinationSlug = 'drip'
const settings = { accountId: '9999999', apiKey: 'drip-api-token' }

beforeEach(() => {
  nock(/.*/).persist().get(/.*/).reply(200, {})
  nock(/.*/).persist().post(/.*/).reply(200, {})
  nock(/.*/).persist().put(/.*/).reply(200, {})
  nock(/.*/).persist().delete(/.*/).reply(204)
})

afterEach(() => {
  nock.cleanAll()
})

describe(`Testing snapshot for ${destinationSlug} destination:`, () => {
  for (const actionSlug in destination.actions) {
    for (const [kind, isRequiredOnly] of [
      ['required fields', true],
      ['all fields', false]
    ] as const) {
      it(`${actionSlug} action - ${kind}`, async () => {
        const seedName = `${destinationSlug}#${actionSlug}`
        const action = destination.actions[actionSlug]
        const [eventData] = generateTestData(seedName, destination, action, isRequiredOnly)

        const event = createTestEvent({ properties: eventData })
        // An action refuses what it cannot send (Update Tags with no tags, when only required fields are set): the
        // refusal, with its reason, is then the snapshot.
        const outcome = await testDestination
          .testAction(actionSlug, { event, mapping: event.properties, settings, auth: undefined })
          .then(
            async (responses) => {
              const request = responses[0].request
              expect(request.headers.get('authorization')).toBe(
                `Basic ${Buffer.from('drip-api-token:').toString('base64')}`
              )
              const rawBody = await request.text()
              return { method: request.method, url: request.url, body: rawBody ? JSON.parse(rawBody) : rawBody }
            },
            (error: Error) => ({ refused: `${error.name}: ${error.message}` })
          )
        if ('url' in outcome) expect(outcome.url).toMatch(/^https:\/\/api\.getdrip\.com\/v[23]\/9999999\//)
        expect(outcome).toMatchSnapshot()
      })
    }
  }
})
