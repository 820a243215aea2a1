import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sendBatch, sendOne, type RecordKind } from '../drip-api'
import { batch_size, email, enable_batching } from '../fields'
import { buildSubscriber } from '../records'

const SUBSCRIBERS: RecordKind = { key: 'subscribers', path: 'subscribers', batchPath: 'subscribers/batches' }

const STATUSES = [
  { label: 'Active', value: 'active' },
  { label: 'Unsubscribed', value: 'unsubscribed' }
]

const identify = (apiBaseUrl: string): ActionDefinition<Settings, Payload> => ({
  title: 'Identify',
  description: 'Identify person in Drip',
  defaultSubscription: 'type = "identify"',
  fields: {
    custom_fields: {
      label: 'Custom fields',
      description: "Custom fields to add to a person's profile. Non string values will be stringified.",
      type: 'object',
      required: false,
      default: { '@path': '$.traits.custom_fields' }
    },
    email: { ...email, default: { '@path': '$.traits.email' } },
    ip: {
      label: 'IP Address',
      description: "The person's ip address.",
      type: 'string',
      required: false,
      default: { '@path': '$.context.ip' }
    },
    sms_number: {
      label: 'SMS Number',
      description: "The person's sms number.",
      type: 'string',
      required: false,
      default: { '@path': '$.traits.sms_number' }
    },
    initial_status: {
      label: 'Initial Status',
      description: "The person's subscription status if newly identified.",
      type: 'string',
      required: false,
      choices: STATUSES,
      // New people are not subscribed to marketing unless the source says so.
      default: {
        '@if': {
          exists: { '@path': '$.traits.initial_status' },
          then: { '@path': '$.traits.initial_status' },
          else: 'unsubscribed'
        }
      }
    },
    status: {
      label: 'Status',
      description: "The person's subscription status. Overrides initial_status.",
      type: 'string',
      required: false,
      choices: STATUSES,
      default: { '@path': '$.traits.status' }
    },
    status_updated_at: {
      label: 'Status Updated At',
      description: "The timestamp associated with the update to a person's status.",
      type: 'datetime',
      required: false,
      default: { '@path': '$.traits.status_updated_at' }
    },
    tags: {
      label: 'Tags',
      description: 'Comma delimited list of tags to add to a person\'s profile. e.g. "tag1,tag2".',
      type: 'string',
      // Also takes an array of tags: a plain string is wrapped, and every entry is split at commas.
      multiple: true,
      required: false,
      default: { '@path': '$.traits.tags' }
    },
    timezone: {
      label: 'Timezone',
      description: "The person's timezone.",
      type: 'string',
      required: false,
      default: { '@path': '$.context.timezone' }
    },
    batch_size,
    enable_batching
  },
  perform: (request, { settings, payload }) =>
    sendOne(request, apiBaseUrl, settings, SUBSCRIBERS, payload, buildSubscriber),
  performBatch: (request, { settings, payload }) =>
    sendBatch(request, apiBaseUrl, settings, SUBSCRIBERS, payload, buildSubscriber)
})

export default identify
