import type { ActionDefinition } from '@segment/actions-core'
import type { AudienceSettings, Settings } from '../generated-types'
import type { OnMappingSaveInputs, OnMappingSaveOutputs, Payload } from './generated-types'
import { send } from '../plans'
import type { PlanSending } from '../plans'
import { joiningSubscriber, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { savedSequence, sequenceHook, withSavedSequence } from '../hooks'
import { startWorkflowPlan } from '../records/lifecycle'

const SENDING: PlanSending<Payload> = { plan: startWorkflowPlan }

const action: ActionDefinition<Settings, Payload, AudienceSettings, OnMappingSaveInputs, OnMappingSaveOutputs> = {
  title: 'Start Workflow',
  description: 'Start a person on a Drip workflow, creating or updating the person.',
  fields: {
    workflow_id: workflowId,
    ...joiningSubscriber,
    first_name: { label: 'First Name', description: "The person's first name.", type: 'string', required: false },
    last_name: { label: 'Last Name', description: "The person's last name.", type: 'string', required: false }
  },
  dynamicFields: {
    workflow_id: (request, { settings, page }) =>
      pickFrom(request, settings, { path: 'workflows', key: 'workflows', status: 'active', page })
  },
  // Saving the mapping reads the chosen workflow: missing is refused, not active is reported (see hooks.ts). When the
  // payload names none, perform sends to the saved one.
  hooks: { onMappingSave: sequenceHook<Payload>('workflows') },
  perform: (request, data) =>
    send(request, data, {
      plan: withSavedSequence(SENDING.plan, 'workflow_id', 'workflows', savedSequence(data.hookOutputs))
    })
}

export default action
