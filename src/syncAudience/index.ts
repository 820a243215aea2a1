import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import type { AudienceSettings, Settings } from '../generated-types'
import type {
  Payload,
  RetlOnMappingSaveInputs as HookInputs,
  RetlOnMappingSaveOutputs as HookOutputs
} from './generated-types'
import { restRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import { batch_size, enable_batching, eventPersonEmail, firstOf } from '../fields'
import { pickFrom } from '../pickers'
import { modelTagHook, savedTag } from '../hooks'
import { audienceChange, audiencePlan, audienceRecord } from '../records/audience'
import type { AudienceChange } from '../records/audience'

// One mapping for every kind of audience Segment sends: Engage audiences (track and identify shaped), Journeys steps,
// Linked Audiences and warehouse models. Membership is the runtime's (resolveAudienceMembership): entering adds the
// audience's tag, exiting removes it; in a batch, people go together in Drip's subscriber batches.

const SENDING: Sending<AudienceChange> = {
  records: restRecords('subscribers'),
  build: audienceRecord,
  plan: audiencePlan,
  // A change already knows whether it adds or removes: a row that left a model is sent as it is.
  removal: { asPayload: (change) => change }
}

const personas = (key: string) => ({ '@path': `$.context.personas.${key}` })

const action: ActionDefinition<Settings, Payload, AudienceSettings, HookInputs, HookOutputs> = {
  title: 'Sync Audience',
  description:
    "Keep a Drip tag on exactly the people in a Segment audience: Engage audiences, Journeys steps, Linked Audiences and warehouse models. Entering adds the audience's tag, exiting removes it.",
  defaultSubscription:
    '(type = "track" or type = "identify") and (context.personas.computation_class = "audience" or ' +
    'context.personas.computation_class = "journey_step")',
  fields: {
    email: {
      ...eventPersonEmail,
      description:
        "The person's email address: the default looks in properties.email (track), traits.email (identify), then " +
        'context.traits.email.',
      default: firstOf(['$.properties.email', '$.traits.email', '$.context.traits.email'])
    },
    tag: {
      label: 'Tag',
      description:
        "The Drip tag that stands for the audience. By default the tag chosen when the audience was connected to Drip (the audience's Drip Tag setting, else the tag Drip gave it), else the audience's key (context.personas.computation_key). For a warehouse model, the tag picked when the mapping was saved wins.",
      type: 'string',
      required: false,
      dynamic: true,
      default: {
        '@if': {
          exists: personas('audience_settings.tag'),
          then: personas('audience_settings.tag'),
          else: {
            '@if': {
              exists: personas('external_audience_id'),
              then: personas('external_audience_id'),
              else: personas('computation_key')
            }
          }
        }
      }
    },
    computation_class: {
      label: 'Audience Kind',
      description:
        "What the event is about, as Engage says (context.personas.computation_class): a Journeys step that carries no true/false membership (classic Journeys' steps) is an entry, as classic Journeys never remove anyone.",
      type: 'string',
      required: false,
      unsafe_hidden: true,
      default: personas('computation_class')
    },
    batch_size,
    enable_batching
  },
  dynamicFields: {
    tag: (request: RequestClient, { settings, page }) =>
      pickFrom(request, settings, { path: 'tags', key: 'tags', page })
  },
  syncMode: {
    label: 'How rows sync',
    description:
      'For warehouse models (Reverse ETL). Mirror: rows entering the model add the tag and rows leaving it remove it, ' +
      'so Drip holds the tag on exactly the people in the model. Add: only entering rows. Delete: only leaving rows. ' +
      'Engage, Journeys and Linked Audiences events carry their own membership and need none of this.',
    default: 'mirror',
    choices: [
      { label: 'Mirror the model: add on entry, remove on exit', value: 'mirror' },
      { label: 'Add the tag to rows entering the model', value: 'add' },
      { label: 'Remove the tag from rows leaving the model', value: 'delete' }
    ]
  },
  hooks: {
    retlOnMappingSave: modelTagHook<Payload>()
  },
  perform: (request, { settings, payload, syncMode, audienceMembership, hookOutputs }) =>
    send(
      request,
      {
        settings,
        syncMode,
        audienceMembership,
        payload: audienceChange(payload, audienceMembership, savedTag(hookOutputs))
      },
      SENDING
    ),
  performBatch: (request, { settings, payload, syncMode, audienceMembership, hookOutputs }) => {
    const tag = savedTag(hookOutputs)
    const changes = payload.map((row, index) => audienceChange(row, audienceMembership?.[index], tag))
    return sendBatch(request, { settings, syncMode, audienceMembership, payload: changes }, SENDING)
  }
}

export default action
