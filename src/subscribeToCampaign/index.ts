import type { ActionDefinition } from '@segment/actions-core'
import type { AudienceSettings, Settings } from '../generated-types'
import type { OnMappingSaveInputs, OnMappingSaveOutputs, Payload } from './generated-types'
import { send } from '../plans'
import type { PlanSending } from '../plans'
import { joiningSubscriber } from '../fields'
import { pickFrom } from '../pickers'
import { savedSequence, sequenceHook, withSavedSequence } from '../hooks'
import { campaignPlan } from '../records/lifecycle'

const SENDING: PlanSending<Payload> = { plan: campaignPlan }

const action: ActionDefinition<Settings, Payload, AudienceSettings, OnMappingSaveInputs, OnMappingSaveOutputs> = {
  title: 'Subscribe to Email Series',
  description: 'Start a person on an Email Series campaign, creating or updating the person.',
  fields: {
    campaign_id: {
      label: 'Email Series',
      description: 'The Email Series to subscribe the person to (active ones are listed).',
      type: 'string',
      // Refused by the destination when empty, by its label (the runtime's refusal would name the key).
      required: false,
      dynamic: true
    },
    ...joiningSubscriber,
    double_optin: {
      label: 'Double Opt-in',
      description: 'Whether Drip sends a confirmation email first. Drip uses the Email Series setting when empty.',
      type: 'boolean',
      required: false
    },
    starting_email_index: {
      label: 'Starting Email Index',
      description: 'Which email of the series to start with, counting from 0. Drip starts at the first when empty.',
      type: 'integer',
      required: false
    },
    reactivate_if_removed: {
      label: 'Reactivate if Removed',
      description: 'Whether to subscribe a person who was removed from this series before. Drip assumes true.',
      type: 'boolean',
      required: false
    }
  },
  dynamicFields: {
    campaign_id: (request, { settings, page }) =>
      pickFrom(request, settings, { path: 'campaigns', key: 'campaigns', status: 'active', page })
  },
  // Saving the mapping reads the chosen Email Series: missing is refused, not active is reported (see hooks.ts). When the
  // payload names none, perform sends to the saved one.
  hooks: { onMappingSave: sequenceHook<Payload>('campaigns') },
  perform: (request, data) =>
    send(request, data, {
      plan: withSavedSequence(SENDING.plan, 'campaign_id', 'campaigns', savedSequence(data.hookOutputs))
    })
}

export default action
