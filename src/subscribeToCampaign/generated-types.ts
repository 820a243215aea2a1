// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The Email Series to subscribe the person to (active ones are listed).
   */
  campaign_id?: string
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
  /**
   * Your own id for the person (Drip's user_id).
   */
  user_id?: string
  /**
   * The person's time zone (an Olson name such as Europe/London).
   */
  time_zone?: string
  /**
   * Custom fields to set on the person; values are sent as strings, keys as given here.
   */
  custom_fields?: {
    [k: string]: unknown
  }
  /**
   * Tags to apply to the person: a comma delimited list or an array. Pick from the account's tags or type new ones.
   */
  tags?: string[]
  /**
   * Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.
   */
  prospect?: boolean
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
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveInputs {
  /**
   * The Email Series this mapping sends people to.
   */
  id: string
  /**
   * Activate the Email Series in Drip when it is a draft or paused, so that people this mapping sends are subscribed to it.
   */
  activate?: boolean
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveOutputs {
  /**
   * The Email Series's id in Drip.
   */
  id: string
  /**
   * The Email Series's name in Drip.
   */
  name?: string
  /**
   * The Email Series's status when the mapping was saved (active, draft or paused).
   */
  status?: string
}
