import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { send } from '../plans'
import type { PlanSending } from '../plans'
import { eventPersonEmail } from '../fields'
import { deletePlan } from '../records/lifecycle'

const SENDING: PlanSending<Payload> = { plan: deletePlan }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Delete Person',
  description:
    'Delete a person and everything Drip holds about them. A person Drip does not have counts as deleted already.',
  defaultSubscription: 'type = "track" and event = "User Deleted"',
  fields: { email: eventPersonEmail },
  perform: (request, data) => send(request, data, SENDING)
}

export default action
