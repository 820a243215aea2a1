// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
  /**
   * Leave empty to unsubscribe the person from every mailing. Pick an Email Series to remove them from that one only.
   */
  campaign_id?: string
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
