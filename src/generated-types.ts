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
// Generated file. DO NOT MODIFY IT BY HAND.

export interface AudienceSettings {
  /**
   * The Drip tag that stands for this audience: people entering it get the tag, people leaving lose it. Empty: the audience's key (e.g. vip_customers).
   */
  tag?: string
}
