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
}
