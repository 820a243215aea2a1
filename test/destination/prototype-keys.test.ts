import nock from 'nock'
import type { JSONObject } from '@segment/actions-core'
import { ACCOUNT_ID, intercept, runtime, runtimeSettings, segmentEvent, settings } from '../helpers'

// A sender's `__proto__` key is never flattened into fields of its own, and reaches no prototype: it is left out with
// a note, from every source of custom fields and from event properties. `constructor` and `prototype` are plain keys.

afterEach(() => nock.cleanAll())

// As a sender's JSON arrives: JSON.parse makes `__proto__` an own key.
const hostile = (): JSONObject =>
  JSON.parse('{"__proto__":{"inner":"x","admin":true},"constructor":{"k":"v"},"prototype":"p"}') as JSONObject

const startWorkflow = {
  ...settings,
  subscriptions: [
    {
      partnerAction: 'startWorkflow',
      subscribe: 'type = "track"',
      mapping: {
        email: { '@path': '$.properties.email' },
        workflow_id: '42',
        custom_fields: { '@path': '$.properties.fields' }
      }
    }
  ]
}

describe.each([
  {
    source: 'Other Traits (identify traits)',
    event: segmentEvent({ type: 'identify', traits: { email: 'ada@example.com', ...hostile() } }),
    settings: runtimeSettings({}, { only: 'identify' }),
    path: `/v2/${ACCOUNT_ID}/subscribers`,
    label: 'Other Traits',
    fields: (body: { subscribers: Array<{ custom_fields: JSONObject }> }) => body.subscribers[0].custom_fields
  },
  {
    source: 'Custom fields (identify traits.custom_fields)',
    event: segmentEvent({ type: 'identify', traits: { email: 'ada@example.com', custom_fields: hostile() } }),
    settings: runtimeSettings({}, { only: 'identify' }),
    path: `/v2/${ACCOUNT_ID}/subscribers`,
    label: 'Custom fields',
    fields: (body: { subscribers: Array<{ custom_fields: JSONObject }> }) => body.subscribers[0].custom_fields
  },
  {
    source: 'Custom Fields of a workflow start',
    event: segmentEvent({ type: 'track', event: 'X', properties: { email: 'ada@example.com', fields: hostile() } }),
    settings: startWorkflow,
    path: `/v2/${ACCOUNT_ID}/workflows/42/subscribers`,
    label: 'Custom Fields',
    fields: (body: { subscribers: Array<{ custom_fields: JSONObject }> }) => body.subscribers[0].custom_fields
  }
])('$source', ({ event, settings: runtime_, path, label, fields }) => {
  it('leaves __proto__ out with a note, keeps constructor and prototype as plain keys, and pollutes nothing', async () => {
    const calls = intercept('post', path, 200, {})
    const results = await runtime().onEvent(event, runtime_ as never)
    const customFields = fields(calls[0].body as never)
    expect(customFields).toEqual(expect.objectContaining({ constructor: '{"k":"v"}', prototype: 'p' }))
    expect(Object.keys(customFields)).not.toContain('inner')
    expect(Object.keys(customFields)).not.toContain('admin')
    expect(Object.keys(customFields)).not.toContain('__proto__')
    expect(JSON.stringify(results)).toContain(`${label}: \\"__proto__\\" left out`)
    expect(({} as { inner?: unknown }).inner).toBeUndefined()
  })
})
