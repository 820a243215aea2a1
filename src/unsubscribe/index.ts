import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sendBatch, sendCalls, sendEach, UNSUBSCRIBES, type DripTarget } from '../drip-api'
import { batch_size, enable_batching, eventEmail } from '../fields'
import { pickFrom } from '../pickers'
import { unsubscribePlan, unsubscribeRecord } from '../records/lifecycle'

const unsubscribe = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
  title: 'Unsubscribe',
  description:
    'Unsubscribe a person from all mailings (global unsubscribe), or remove them from one Email Series only.',
  defaultSubscription: 'type = "track" and event = "User Unsubscribed"',
  fields: {
    email: eventEmail,
    campaign_id: {
      label: 'Email Series',
      description:
        'Leave empty to unsubscribe the person from every mailing. Pick an Email Series to remove them from that one only.',
      type: 'string',
      required: false,
      dynamic: true
    },
    batch_size,
    enable_batching
  },
  dynamicFields: {
    campaign_id: (request, { settings, page }) =>
      pickFrom(request, target, settings, { path: 'campaigns', key: 'campaigns', page })
  },
  perform: (request, { settings, payload }) => sendCalls(request, target, settings, payload, unsubscribePlan),
  // Global unsubscribes have a batch endpoint; removing from one Email Series does not: those go one by one.
  performBatch: (request, { settings, payload }) =>
    payload.some((p) => p.campaign_id)
      ? sendEach(request, target, settings, payload, unsubscribePlan)
      : sendBatch(request, target, settings, UNSUBSCRIBES, payload, unsubscribeRecord, unsubscribePlan)
})

export default unsubscribe
