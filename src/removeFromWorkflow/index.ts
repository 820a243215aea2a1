import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { send } from '../plans'
import type { PlanSending } from '../plans'
import { eventPersonEmail, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { removeFromWorkflowPlan } from '../records/lifecycle'

const SENDING: PlanSending<Payload> = { plan: removeFromWorkflowPlan }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Remove from Workflow',
  description: 'Take a person off a Drip workflow. A person not on it counts as removed already.',
  fields: { workflow_id: workflowId, email: eventPersonEmail },
  dynamicFields: {
    workflow_id: (request, { settings, page }) =>
      pickFrom(request, settings, { path: 'workflows', key: 'workflows', status: 'active', page })
  },
  perform: (request, data) => send(request, data, SENDING)
}

export default action
