// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The workflow (active ones are listed). Drip silently ignores a workflow that is not active: the request succeeds and nothing happens, so activate the workflow in Drip first.
   */
  workflow_id?: string
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
   * The person's first name.
   */
  first_name?: string
  /**
   * The person's last name.
   */
  last_name?: string
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveInputs {
  /**
   * The Workflow this mapping sends people to.
   */
  id: string
  /**
   * Activate the Workflow in Drip when it is a draft or paused, so that people this mapping sends start it.
   */
  activate?: boolean
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveOutputs {
  /**
   * The Workflow's id in Drip.
   */
  id: string
  /**
   * The Workflow's name in Drip.
   */
  name?: string
  /**
   * The Workflow's status when the mapping was saved (active, draft or paused).
   */
  status?: string
}
