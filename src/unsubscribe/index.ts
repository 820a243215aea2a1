import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sending, UNSUBSCRIBES, type DripTarget } from '../drip-api'
import { batch_size, enable_batching, eventPersonEmail } from '../fields'
import { pickFrom } from '../pickers'
import { unsubscribePlan, unsubscribeRecord } from '../records/lifecycle'

const unsubscribe = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
  title: 'Unsubscribe',
  description:
    'Unsubscribe a person from all mailings (global unsubscribe), or remove them from one Email Series only.',
  defaultSubscription: 'type = "track" and event = "User Unsubscribed"',
  fields: {
    email: eventPersonEmail,
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
  // Global unsubscribes have a batch endpoint; removing from one Email Series does not: such a batch goes one by one.
  ...sending(target, {
    records: UNSUBSCRIBES,
    build: unsubscribeRecord,
    plan: unsubscribePlan,
    planEvery: (payloads) => payloads.some((payload) => payload.campaign_id)
  })
})

export default unsubscribe
