import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sendBatch, sendOne, type DripTarget, type RecordKind } from '../drip-api'
import { batch_size, email, enable_batching, prospect } from '../fields'
import { buildEvent } from '../records/event'

const EVENTS: RecordKind = { key: 'events', batchPath: 'events/batches' }

const trackEvent = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
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
    email: {
      ...email,
      default: {
        '@if': {
          exists: { '@path': '$.properties.email' },
          then: { '@path': '$.properties.email' },
          else: { '@path': '$.context.traits.email' }
        }
      }
    },
    properties: {
      label: 'Properties',
      description: 'Additional properties associated with the event.',
      type: 'object',
      required: false,
      default: { '@path': '$.properties' }
    },
    occurred_at: {
      label: 'Event Time',
      description:
        'When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is ' +
        'given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.',
      // A string, not a datetime: the runtime checks datetimes differently in onEvent and onBatch (an empty one passes
      // one and fails the other), and lets impossible dates through; the destination's own date rule decides instead.
      type: 'string',
      required: false,
      default: { '@path': '$.timestamp' }
    },
    value: {
      label: 'Conversion Value',
      description:
        "The event's value in currency units (e.g. 12.34), sent to Drip as the conversion value in cents (properties.value).",
      type: 'number',
      required: false,
      default: { '@path': '$.properties.revenue' }
    },
    prospect,
    batch_size,
    enable_batching
  },
  perform: (request, { settings, payload }) => sendOne(request, target, settings, EVENTS, payload, buildEvent),
  performBatch: (request, { settings, payload }) => sendBatch(request, target, settings, EVENTS, payload, buildEvent)
})

export default trackEvent
