// Generated file. DO NOT MODIFY IT BY HAND.
import type { JoiningSubscriber } from '../generated-types'

export interface Payload extends JoiningSubscriber {
  /**
   * The Email Series to subscribe the person to (active ones are listed).
   */
  campaign_id: string
  /**
   * Whether Drip sends a confirmation email first. Drip uses the Email Series setting when empty.
   */
  double_optin?: boolean
  /**
   * Which email of the series to start with, counting from 0. Drip starts at the first when empty.
   */
  starting_email_index?: number
  /**
   * Whether to subscribe a person who was removed from this series before. Drip assumes true.
   */
  reactivate_if_removed?: boolean
}
