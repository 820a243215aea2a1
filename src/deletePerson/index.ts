import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { sending, type DripTarget } from '../drip-api'
import { eventPersonEmail } from '../fields'
import { deletePlan } from '../records/lifecycle'

const deletePerson = (target: DripTarget): ActionDefinition<Settings, Payload> => ({
  title: 'Delete Person',
  description:
    'Delete a person and everything Drip holds about them. A person Drip does not have counts as deleted already.',
  defaultSubscription: 'type = "track" and event = "User Deleted"',
  fields: { email: eventPersonEmail },
  ...sending(target, { plan: deletePlan })
})

export default deletePerson
