import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sendOne, type RecordKind } from '../drip-api'
import { email } from '../fields'
import { buildEvent } from '../records'

const EVENTS: RecordKind = { key: 'events', path: 'events', batchPath: 'events/batches' }

const trackEvent = (apiBaseUrl: string): ActionDefinition<Settings, Payload> => ({
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
    }
  },
  perform: (request, { settings, payload }) => sendOne(request, apiBaseUrl, settings, EVENTS, payload, buildEvent)
})

export default trackEvent
