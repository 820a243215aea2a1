import nock from 'nock'
import definition from '../../src'
import { mappingProblem } from '../../tools/subscriptions'
import { ndjson, runMain } from './run-cli'

// The Engage sample (examples/engage.ndjson with examples/engage-subscriptions.json) replayed by the runner into its
// simulator: audiences, a journey step and a Linked Audience become tags, consent becomes eu_consent, and what Drip
// then holds shows both.

// The runner's requests go to its own simulator on 127.0.0.1 by a route nock would stand in the way of.
beforeAll(() => nock.restore())

const SAMPLE = ['examples/engage.ndjson', '--mapping', 'examples/engage-subscriptions.json']

it('leaves every person with their tags and consent', async () => {
  const { code, stdout, stderr } = await runMain([...SAMPLE, '--json'])
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  const { summary, people } = ndjson(stdout)
  expect(summary).toMatchObject({ eventsRead: 9, delivered: 11, rejected: 0, failed: 0 })
  expect(
    people.map(({ email, status, tags, eu_consent, custom_fields }) => ({
      email,
      status,
      tags,
      eu_consent,
      custom_fields
    }))
  ).toEqual([
    {
      email: 'ada@example.com',
      status: 'unsubscribed',
      tags: ['vip_customers'],
      eu_consent: 'granted',
      custom_fields: { plan: 'pro' }
    },
    // An identify-shaped audience, entered then exited: tagged and untagged, never a "true"/"false" custom field.
    { email: 'bo@example.com', status: 'unsubscribed', tags: [], eu_consent: 'denied', custom_fields: {} },
    // Each person is identified before their audiences reach Drip: a tag for someone Drip does not know would create
    // them subscribed, so the runner holds such calls back.
    {
      email: 'cy@example.com',
      status: 'unsubscribed',
      tags: ['j_o_welcome__step_2'],
      eu_consent: undefined,
      custom_fields: {}
    },
    {
      email: 'dee@example.com',
      status: 'unsubscribed',
      tags: ['la_high_ltv'],
      eu_consent: undefined,
      custom_fields: {}
    }
  ])
})

it('shows the tags and an EU consent column in what Drip holds', async () => {
  const { code, stdout } = await runMain(SAMPLE)
  expect(code).toBe(0)
  const table = stdout.slice(stdout.indexOf('What Drip now holds'))
  expect(table).toMatch(/email +status +user_id +tags +eu consent +lifetime value +custom fields/)
  expect(table).toMatch(/ada@example\.com +unsubscribed +u-2001 +vip_customers +granted +plan=pro/)
  expect(table).toMatch(/bo@example\.com +unsubscribed +u-2002 +denied/)
  expect(table).toMatch(/cy@example\.com +unsubscribed +u-2003 +j_o_welcome__step_2/)
})

it("mapping files may carry what an action's hooks saved, and only for an action with that hook", () => {
  const saved = { retlOnMappingSave: { outputs: { tag: 'trial-step-3' } } }
  expect(mappingProblem(definition, 'syncAudience', saved)).toBeUndefined()
  expect(mappingProblem(definition, 'identify', saved)).toMatch(/^"retlOnMappingSave" is no field of identify;/)
})
