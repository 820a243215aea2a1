import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sending, type DripTarget } from '../drip-api'
import { joiningSubscriber, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { startWorkflowPlan } from '../records/lifecycle'

const startWorkflow = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
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
      pickFrom(request, target, settings, { path: 'workflows', key: 'workflows', status: 'active', page })
  },
  ...sending(target, { plan: startWorkflowPlan })
})

export default startWorkflow
