// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The name of the action.
   */
  action: string
  /**
   * The person's email address.
   */
  email: string
  /**
   * Additional properties associated with the event.
   */
  properties?: {
    [k: string]: unknown
  }
  /**
   * When the event happened; Drip records it at this time, not when it arrives. ISO-8601 (UTC when no zone is given), RFC 2822, or epoch seconds or milliseconds; anything else is left out with a note.
   */
  occurred_at?: string
  /**
   * The event's value in currency units (e.g. 12.34), sent to Drip as the conversion value (properties.value) in the smallest unit of Currency: cents for USD, yen for JPY.
   */
  value?: number
  /**
   * The ISO 4217 code of the amount's currency: Drip takes the amount in the currency's smallest unit (cents for USD; JPY has none, KWD has three). Without one, cents.
   */
  currency?: string
  /**
   * Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.
   */
  prospect?: boolean
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
