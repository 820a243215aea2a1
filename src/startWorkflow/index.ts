import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { send } from '../plans'
import type { PlanSending } from '../plans'
import { joiningSubscriber, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { startWorkflowPlan } from '../records/lifecycle'

const SENDING: PlanSending<Payload> = { plan: startWorkflowPlan }

const action: ActionDefinition<Settings, Payload> = {
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
  perform: (request, data) => send(request, data, SENDING)
}

export default action
