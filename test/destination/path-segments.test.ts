import { createServer } from 'http'
import type { Server } from 'http'
import type { AddressInfo } from 'net'
import nock from 'nock'
import { Destination, defaultValues } from '@segment/actions-core'
import type { JSONObject, JSONValue } from '@segment/actions-core'
import definition from '../../src'
import { routeDripTo } from '../../tools/simulator/routing'
import { ACCOUNT_ID, segmentEvent, settings } from '../helpers'

// A value from a payload that reaches a URL is one literal path segment, or the payload is refused by the field's
// label: through onEvent and onBatch, against a Drip that records each raw request line as it arrived.

const lines: string[] = []
let server: Server
let unroute: () => void
beforeAll(async () => {
  nock.restore()
  server = createServer((req, res) => {
    lines.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.writeHead(204).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  unroute = routeDripTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
afterAll(async () => {
  unroute()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => (lines.length = 0))

const destination = new Destination(definition)
const HOSTILE = [
  '.',
  '..',
  '%2e%2e',
  '%2E.',
  '%252e%252e',
  '．．',
  '../x',
  'a/b',
  'a\\b',
  '?',
  'x?y=1',
  '#',
  'a\rb',
  'a\nb'
]
const person = 'ada@example.com'

/**
 * Each action and field whose value goes into a path (mapped from an event property), the fixed fields, and for
 * actions that take batches, the one request a batch of hostile values and one good value ('12345') makes.
 */
const cases: Array<{ action: string; field: string; label: string; mapping?: JSONObject; batch?: string }> = [
  // A batch of tag changes goes to the batch endpoint, whose body (not its path) carries the tags.
  {
    action: 'updateTags',
    field: 'remove_tags',
    label: 'Tags to Remove',
    batch: 'POST /v2/1234567/subscribers/batches'
  },
  {
    action: 'unsubscribe',
    field: 'campaign_id',
    label: 'Email Series',
    mapping: { unsubscribe_from: 'email_series' },
    batch: 'POST /v2/1234567/subscribers/ada%40example.com/remove?campaign_id=12345'
  },
  { action: 'subscribeToCampaign', field: 'campaign_id', label: 'Email Series' },
  { action: 'startWorkflow', field: 'workflow_id', label: 'Workflow' },
  { action: 'removeFromWorkflow', field: 'workflow_id', label: 'Workflow' }
]

const subscription = (action: string, mapping: JSONObject) => ({
  ...settings,
  subscriptions: [
    {
      partnerAction: action,
      subscribe: 'type = "track"',
      mapping: { ...defaultValues(definition.actions[action].fields), enable_batching: true, ...mapping }
    }
  ]
})
const event = (value: JSONValue, email = person) =>
  segmentEvent({ type: 'track', event: 'Hostile', properties: { email, value } })

describe.each(cases)('$action: $label', ({ action, field, label, mapping = {}, batch }) => {
  const runtimeSettings = subscription(action, { ...mapping, [field]: { '@path': '$.properties.value' } })

  it.each(HOSTILE)('refuses %j by its label, through onEvent, and sends nothing', async (value) => {
    const error = (await destination.onEvent(event(value), runtimeSettings as never).catch((e: Error) => e)) as Error
    expect(error.message).toMatch(new RegExp(`^${label}: .* cannot be sent to Drip: it `))
    expect(lines).toEqual([])
  })

  it('takes batches exactly when it has a batch path', () => {
    expect(definition.actions[action].performBatch !== undefined).toBe(batch !== undefined)
  })

  // Email Series and workflows have no batch endpoint, so those actions take no batches.
  ;(batch ? it : it.skip)(
    'refuses each hostile value in its own result through onBatch, and sends only the good event',
    async () => {
      const results = await destination.onBatch(
        [...HOSTILE.map((value) => event(value)), event('12345')],
        runtimeSettings as never
      )
      const multistatus = (results[0] as { multistatus: Array<{ status: number; errormessage?: string }> }).multistatus
      expect(multistatus.slice(0, -1).every((r) => r.status === 400 && r.errormessage?.startsWith(`${label}: `))).toBe(
        true
      )
      expect(multistatus[multistatus.length - 1].status).toBeLessThan(300)
      expect(lines).toEqual([batch])
    }
  )
})

describe('an email that would leave its segment', () => {
  const emails = ['a/b@example.com', 'a?b@example.com', 'a#b@example.com', 'a%2fb@example.com', 'a%252Fb@example.com']
  const withEmail: Array<{ action: string; mapping: JSONObject }> = [
    { action: 'updateTags', mapping: { remove_tags: 'vip' } },
    { action: 'unsubscribe', mapping: {} },
    { action: 'deletePerson', mapping: {} },
    { action: 'removeFromWorkflow', mapping: { workflow_id: '42' } }
  ]
  it.each(withEmail)('is refused as Email Address by $action, and nothing is sent', async ({ action, mapping }) => {
    for (const email of emails) {
      const error = (await destination
        .onEvent(event('x', email), subscription(action, mapping) as never)
        .catch((e: Error) => e)) as Error
      expect(error.message).toMatch(/^Email Address: .* cannot be sent to Drip: it contains/)
    }
    expect(lines).toEqual([])
  })

  it("is refused as userId by Segment's deletion requests, and nothing is deleted", async () => {
    const error = (await destination.onDelete!(
      { type: 'delete', userId: 'a/b@example.com' } as never,
      settings as never
    ).catch((e: Error) => e)) as Error
    expect(error.message).toMatch(/^userId: .* cannot be sent to Drip: it contains "\/"/)
    expect(lines).toEqual([])
  })
})

it('keeps a value that is only odd as one literal, encoded segment', async () => {
  const odd = ['50% off', 'spring sale', 'ça va', '..vip', 'v1.2', '%']
  await destination.onEvent(
    segmentEvent({ type: 'track', event: 'Hostile', properties: { email: person, value: odd } }),
    subscription('updateTags', { remove_tags: { '@path': '$.properties.value' } }) as never
  )
  const base = `/v2/${ACCOUNT_ID}/subscribers/${encodeURIComponent(person)}/tags/`
  expect(lines).toEqual(odd.map((tag) => `DELETE ${base}${encodeURIComponent(tag)}`))
})
