// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * Custom fields to add to a person's profile. Non string values will be stringified.
   */
  custom_fields?: {
    [k: string]: unknown
  }
  /**
   * The person's email address.
   */
  email: string
  /**
   * The person's ip address.
   */
  ip?: string
  /**
   * The person's sms number.
   */
  sms_number?: string
  /**
   * The person's subscription status if newly identified.
   */
  initial_status?: string
  /**
   * The person's subscription status. Overrides initial_status.
   */
  status?: string
  /**
   * The timestamp associated with the update to a person's status.
   */
  status_updated_at?: string | number
  /**
   * Comma delimited list of tags to add to a person's profile. e.g. "tag1,tag2".
   */
  tags?: string[]
  /**
   * The person's timezone.
   */
  timezone?: string
  /**
   * Traits sent to Drip as custom fields, except those a standard field above already takes. Engage audiences and computed traits arrive this way. Merged with Custom fields (which win); clear it to send only Custom fields.
   */
  traits?: {
    [k: string]: unknown
  }
  /**
   * How the keys of Other Traits become Drip custom field names. "As sent" keeps them (planName stays planName, as Custom fields always does). "Drip style" writes them the way Drip's docs ask, lowercase words joined by underscores (planName, Plan Name and plan-name all become plan_name; drip_ keys, which Drip reserves, get a segment_ prefix).
   */
  trait_field_names?: string
  /**
   * Your own id for the person (Drip's user_id).
   */
  user_id?: string
  /**
   * A new email address for the person: Drip changes the person's email to it.
   */
  new_email?: string
  /**
   * The person's first name (traits.firstName, else first_name). When empty, the first word of Name.
   */
  first_name?: string
  /**
   * The person's last name (traits.lastName, else last_name). When empty, the rest of Name.
   */
  last_name?: string
  /**
   * The person's full name, split into first and last name where those are empty.
   */
  name?: string
  /**
   * The person's primary phone number (Drip's phone; not the SMS channel).
   */
  phone?: string
  /**
   * The person's postal address, as in Segment's spec.
   */
  address?: {
    street?: string
    city?: string
    state?: string
    postalCode?: string
    postal_code?: string
    country?: string
  }
  /**
   * The person's lifetime value in currency units (e.g. 12.34); sent to Drip in the smallest unit of Currency (cents when none).
   */
  lifetime_value?: number
  /**
   * The ISO 4217 code of the amount's currency: Drip takes the amount in the currency's smallest unit (cents for USD; JPY has none, KWD has three). Without one, cents. Used for Lifetime Value.
   */
  currency?: string
  /**
   * Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.
   */
  prospect?: boolean
  /**
   * The starting value for lead score calculation for this person (Drip assumes 30).
   */
  base_lead_score?: number
  /**
   * Whether the person "granted" or "denied" GDPR consent.
   */
  eu_consent?: string
  /**
   * The message the person granted or denied consent to.
   */
  eu_consent_message?: string
  /**
   * Whether the person consented to marketing by SMS.
   */
  sms_consent?: boolean
  /**
   * Tags to remove from the person: a comma delimited list or an array.
   */
  remove_tags?: string[]
  /**
   * Warehouse sources with the Delete sync mode: what a row leaving the model does to its person in Drip. Unsubscribe (from all mailings; the person and their history stay) or Delete (the person and their history are gone from Drip for good).
   */
  deleted_row?: string
  /**
   * The Engage audience or journey step this identify reports on, when Sync Audience keeps it as a Drip tag: its true/false trait is then left out of the custom fields. By default the audience's key (context.personas.computation_key) when Drip is connected to the audience as an audience destination; clear it to keep the custom field as well.
   */
  audience_key?: string
  /**
   * The person's consent by category, from Segment's Consent Management (context.consent.categoryPreferences). Read only when Consent Category is set.
   */
  consent_preferences?: {
    [k: string]: unknown
  }
  /**
   * The consent category (as your Consent Management names it, e.g. Marketing or C0004) whose preference becomes EU Consent: true is granted, false is denied, and it wins over EU Consent as mapped. Empty, or not in the event's consent preferences: EU Consent stays as mapped.
   */
  consent_category?: string
  /**
   * With a consent taken from Consent Category: the EU Consent Message sent with it, {category} standing for the category's name (e.g. "Marketing emails ({category}) in our cookie banner"). Empty: EU Consent Message as mapped.
   */
  consent_message_template?: string
  /**
   * With a denial taken from Consent Category: also unsubscribe the person from all mailings (Status unsubscribed). Off: only EU Consent becomes denied.
   */
  unsubscribe_on_denied?: boolean
  /**
   * Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.
   */
  batch_size?: number
  /**
   * When enabled, Segment will send events in batches.
   */
  enable_batching?: boolean
}
