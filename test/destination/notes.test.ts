import nock from 'nock'
import type { JSONObject } from '@segment/actions-core'
import { ACCOUNT_ID, intercept, runtime, runtimeSettings, segmentEvent } from '../helpers'
import { orderCompleted } from '../fixtures/segment-events'

// No value is lost without a word: a value the destination changes or leaves out is named in the result's notes,
// with why. (Values Drip cannot take at all are in identify.test.ts and trackEvent.test.ts.)

afterEach(() => nock.cleanAll())

/** The body sent and the notes of one event through the runtime, with one action's preset changed by `mapping`. */
async function sent(
  event: ReturnType<typeof segmentEvent>,
  action: string,
  path: string,
  mapping: JSONObject = {},
  status = 200
) {
  const calls = intercept('post', path, status, {})
  const results = await runtime().onEvent(event, runtimeSettings({}, { only: action, mapping: { [action]: mapping } }))
  const executed = results.find((r) => r.output === 'Action Executed') as { data: { notes?: string[] } }
  return { body: calls[0]?.body as JSONObject, notes: executed.data.notes }
}

it('an amount with more decimals than its currency has is rounded, and the note says to what', async () => {
  const event = segmentEvent({
    type: 'track',
    event: 'Paid',
    properties: { email: 'a@example.com', revenue: '12.50', currency: 'JPY' }
  })
  const { body, notes } = await sent(event, 'trackEvent', `/v2/${ACCOUNT_ID}/events`, {}, 204)
  expect((body.events as JSONObject[])[0].properties).toMatchObject({ value: 13 })
  expect(notes).toEqual(['Conversion Value: 12.5 rounded to 13, as its currency has 0 decimals.'])
})

it('a tag in both Tags to Add and Tags to Remove is in neither, with a note (identify and Add or Remove Tags)', async () => {
  const identify = segmentEvent({
    type: 'identify',
    traits: { email: 'a@example.com', tags: 'vip,beta', remove_tags: 'vip,old' }
  })
  const person = await sent(identify, 'identify', `/v2/${ACCOUNT_ID}/subscribers`)
  expect((person.body.subscribers as JSONObject[])[0]).toMatchObject({ tags: ['beta'], remove_tags: ['old'] })
  const note = 'Tags "vip" left out: in both Tags to Add and Tags to Remove, which would add and remove them at once.'
  expect(person.notes).toEqual([note])

  const audience = segmentEvent({ type: 'track', event: 'Audience Entered', properties: { email: 'a@example.com' } })
  const tags = await sent(audience, 'updateTags', `/v2/${ACCOUNT_ID}/tags`, { tags: 'vip,beta', remove_tags: 'vip' })
  expect(tags.body).toEqual({ tags: [{ email: 'a@example.com', tag: 'beta' }] })
  expect(tags.notes).toEqual([note])
})

it('a refunded order leaves a mapped Grand Total out, saying Drip takes the refund as Refund Amount', async () => {
  const refund = orderCompleted({ order_id: 'o-9' })
  refund.event = 'Order Refunded'
  const { body, notes } = await sent(
    refund,
    'orderActivity',
    `/v3/${ACCOUNT_ID}/shopper_activity/order`,
    { grand_total: { '@path': '$.properties.total' }, refund_amount: { '@path': '$.properties.total' } },
    202
  )
  expect(body).toMatchObject({ action: 'refunded', refund_amount: 57.5 })
  expect(body.grand_total).toBeUndefined()
  expect(notes).toEqual([
    'Grand Total left out: a refunded order keeps its total; Drip takes the refund as Refund Amount.'
  ])
})
