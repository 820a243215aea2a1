// Generated file. DO NOT MODIFY IT BY HAND.
import type { JoiningSubscriber } from '../generated-types'

export interface Payload extends JoiningSubscriber {
  /**
   * The workflow (active ones are listed). Drip silently ignores a workflow that is not active: the request succeeds and nothing happens, so activate the workflow in Drip first.
   */
  workflow_id: string
  /**
   * The person's first name.
   */
  first_name?: string
  /**
   * The person's last name.
   */
  last_name?: string
}
