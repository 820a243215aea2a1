// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * Account ID for your Drip account. You can find this in your Drip account settings.
   */
  accountId: string
  /**
   * API key for your Drip account. You can find this in your Drip account settings.
   */
  apiKey: string
}
