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
}
