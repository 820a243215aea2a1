// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
}
