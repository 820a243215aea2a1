// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
  /**
   * Tags to apply to the person: a comma delimited list or an array. Pick from the account's tags or type new ones.
   */
  tags?: string[]
  /**
   * Tags to take off the person: a comma delimited list or an array.
   */
  remove_tags?: string[]
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
