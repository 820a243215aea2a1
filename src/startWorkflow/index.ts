import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sendCalls, type DripTarget } from '../drip-api'
import { eventEmail, personCustomFields, prospect, tagsToAdd, timeZone, userId, workflowId } from '../fields'
import { pickFrom } from '../pickers'
import { startWorkflowPlan } from '../records/lifecycle'

const startWorkflow = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
  title: 'Start Workflow',
  description: 'Start a person on a Drip workflow, creating or updating the person.',
  fields: {
    workflow_id: workflowId,
    email: eventEmail,
    user_id: userId,
    first_name: { label: 'First Name', description: "The person's first name.", type: 'string', required: false },
    last_name: { label: 'Last Name', description: "The person's last name.", type: 'string', required: false },
    time_zone: timeZone,
    custom_fields: personCustomFields,
    tags: { ...tagsToAdd, label: 'Tags', dynamic: false },
    prospect
  },
  dynamicFields: {
    workflow_id: (request, { settings, page }) =>
      pickFrom(request, target, settings, { path: 'workflows', key: 'workflows', status: 'active', page })
  },
  perform: (request, { settings, payload }) => sendCalls(request, target, settings, payload, startWorkflowPlan)
})

export default startWorkflow
