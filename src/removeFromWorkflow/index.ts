import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sending, type DripTarget } from '../drip-api'
import { eventPersonEmail, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { removeFromWorkflowPlan } from '../records/lifecycle'

const removeFromWorkflow = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
  title: 'Remove from Workflow',
  description: 'Take a person off a Drip workflow. A person not on it counts as removed already.',
  fields: { workflow_id: workflowId, email: eventPersonEmail },
  dynamicFields: {
    workflow_id: (request, { settings, page }) =>
      pickFrom(request, target, settings, { path: 'workflows', key: 'workflows', status: 'active', page })
  },
  ...sending(target, { plan: removeFromWorkflowPlan })
})

export default removeFromWorkflow
