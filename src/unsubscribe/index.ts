import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { UNSUBSCRIBES } from '../drip-api'
import { send, sendBatch } from '../plans'
import type { Sending } from '../plans'
import { batch_size, enable_batching, eventPersonEmail } from '../fields'
import { pickFrom } from '../pickers'
import { unsubscribePlan, unsubscribeRecord } from '../records/lifecycle'

// Global unsubscribes have a batch endpoint; removing from one Email Series does not: such a batch goes one by one.
const SENDING: Sending<Payload> = {
  records: UNSUBSCRIBES,
  build: unsubscribeRecord,
  plan: unsubscribePlan,
  planEvery: (payloads) => payloads.some((payload) => payload.unsubscribe_from === 'email_series')
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Unsubscribe',
  description:
    'Unsubscribe a person from all mailings (global unsubscribe), or remove them from one Email Series only.',
  defaultSubscription: 'type = "track" and event = "User Unsubscribed"',
  fields: {
    email: eventPersonEmail,
    unsubscribe_from: {
      label: 'Unsubscribe From',
      description:
        'All Mailings: a global unsubscribe, from every Email Series, workflow and broadcast. One Email Series: the ' +
        'person is removed from the Email Series below only; an event without one is refused, never widened to all ' +
        'mailings.',
      type: 'string',
      required: true,
      choices: [
        { label: 'All Mailings', value: 'all_mailings' },
        { label: 'One Email Series', value: 'email_series' }
      ],
      default: 'all_mailings'
    },
    campaign_id: {
      label: 'Email Series',
      description: 'The Email Series to remove the person from, when Unsubscribe From is One Email Series.',
      type: 'string',
      required: false,
      dynamic: true,
      depends_on: { conditions: [{ fieldKey: 'unsubscribe_from', operator: 'is', value: 'email_series' }] }
    },
    batch_size,
    enable_batching,
    // Segment's batches hold events of one value of these only: the Email Series changes the endpoint.
    batch_keys: {
      label: 'Batch Keys',
      description: 'The fields whose values every event of one batch shares: Unsubscribe From and Email Series.',
      type: 'string',
      unsafe_hidden: true,
      required: false,
      multiple: true,
      default: ['unsubscribe_from', 'campaign_id']
    }
  },
  dynamicFields: {
    campaign_id: (request, { settings, page }) =>
      pickFrom(request, settings, { path: 'campaigns', key: 'campaigns', page })
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
