import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { restRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import { batch_size, enable_batching, eventEmail, eventTime, minorUnitCurrency, prospect } from '../fields'
import { buildEvent } from '../records/event'

const EVENTS = restRecords('events')

const SENDING: Sending<Payload> = { records: EVENTS, build: buildEvent }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Track Event',
  description: 'Send track() events to Drip',
  defaultSubscription: 'type = "track"',
  fields: {
    action: {
      label: 'Action',
      description: 'The name of the action.',
      type: 'string',
      required: true,
      default: { '@path': '$.event' }
    },
    email: eventEmail,
    properties: {
      label: 'Properties',
      description: 'Additional properties associated with the event.',
      type: 'object',
      required: false,
      default: { '@path': '$.properties' }
    },
    occurred_at: eventTime,
    value: {
      label: 'Conversion Value',
      description:
        "The event's value in currency units (e.g. 12.34), sent to Drip as the conversion value (properties.value) in the " +
        'smallest unit of Currency: cents for USD, yen for JPY.',
      type: 'number',
      required: false,
      default: { '@path': '$.properties.revenue' }
    },
    currency: { ...minorUnitCurrency, default: { '@path': '$.properties.currency' } },
    prospect,
    batch_size,
    enable_batching
  },
  syncMode: {
    label: 'How rows sync',
    description:
      'For warehouse sources (Reverse ETL): each new row of the model is recorded as an event (the Action names it). ' +
      'Events happen once: they cannot be updated or taken back in Drip, so add is the only mode.',
    default: 'add',
    choices: [{ label: 'Record an event for each new row', value: 'add' }]
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
