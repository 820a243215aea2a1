// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The person's email address: the default looks in properties.email, then context.traits.email (the identified person's traits, which Segment's libraries add to every event).
   */
  email?: string
  /**
   * All Mailings: a global unsubscribe, from every Email Series, workflow and broadcast. One Email Series: the person is removed from the Email Series below only; an event without one is refused, never widened to all mailings.
   */
  unsubscribe_from: string
  /**
   * The Email Series to remove the person from, when Unsubscribe From is One Email Series.
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
  /**
   * The fields whose values every event of one batch shares: Unsubscribe From and Email Series.
   */
  batch_keys?: string[]
}
