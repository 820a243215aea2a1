import type { ActionDefinition, InputField } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { restRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import {
  batch_size,
  email,
  enable_batching,
  firstOf,
  minorUnitCurrency,
  prospect,
  textParts,
  traitKeysReadBy
} from '../fields'
import { engagedSubscriber } from '../records/consent'
import { removedPersonPlan } from '../records/lifecycle'
import { pickFrom } from '../pickers'

const SUBSCRIBERS = restRecords('subscribers')

const trait = (key: string) => ({ '@path': `$.traits.${key}` })

const fields: Record<string, InputField> = {
  custom_fields: {
    label: 'Custom fields',
    description: "Custom fields to add to a person's profile. Non string values will be stringified.",
    type: 'object',
    required: false,
    // Its keys can be picked from the custom fields the account already has.
    dynamic: true,
    additionalProperties: true,
    default: trait('custom_fields')
  },
  // A warehouse row (Reverse ETL) carries its columns in properties: read there when traits have none.
  email: { ...email, default: firstOf(['$.traits.email', '$.properties.email']) },
  ip: {
    label: 'IP Address',
    description: "The person's ip address.",
    type: 'string',
    required: false,
    default: { '@path': '$.context.ip' }
  },
  sms_number: {
    label: 'SMS Number',
    description: "The person's sms number.",
    type: 'string',
    required: false,
    // Only an explicit sms_number trait: a plain phone number must never subscribe someone to SMS by accident.
    default: trait('sms_number')
  },
  initial_status: {
    label: 'Initial Status',
    description: "The person's subscription status if newly identified.",
    type: 'string',
    required: false,
    // No choices here or on Status: the runtime would refuse another spelling ("Active") before perform runs. The
    // subscriber's builder reads both statuses as Drip takes them.
    // New people are not subscribed to marketing unless the source says so.
    default: {
      '@if': { exists: trait('initial_status'), then: trait('initial_status'), else: 'unsubscribed' }
    }
  },
  status: {
    label: 'Status',
    description: "The person's subscription status. Overrides initial_status.",
    type: 'string',
    required: false,
    default: trait('status')
  },
  status_updated_at: {
    label: 'Status Updated At',
    description: "The timestamp associated with the update to a person's status.",
    type: 'datetime',
    required: false,
    // `blank` skips an empty string: onBatch keeps '' (onEvent drops it) and would refuse it as a date.
    default: { '@if': { blank: trait('status_updated_at'), then: trait('status_updated_at') } }
  },
  tags: {
    label: 'Tags',
    description: 'Comma delimited list of tags to add to a person\'s profile. e.g. "tag1,tag2".',
    type: 'string',
    // Also takes an array of tags: a plain string is wrapped, and every entry is split at commas.
    multiple: true,
    required: false,
    default: trait('tags')
  },
  timezone: {
    label: 'Timezone',
    description: "The person's timezone.",
    type: 'string',
    required: false,
    default: { '@path': '$.context.timezone' }
  },
  traits: {
    label: 'Other Traits as Custom Fields',
    description:
      'Traits sent to Drip as custom fields, except those a standard field above already takes. Engage audiences and ' +
      'computed traits arrive this way. Merged with Custom fields (which win); clear it to send only Custom fields.',
    type: 'object',
    required: false,
    default: firstOf(['$.traits', '$.properties'])
  },
  trait_field_names: {
    label: 'Field Names for Other Traits',
    description:
      'How the keys of Other Traits become Drip custom field names. "As sent" keeps them (planName stays planName, ' +
      'as Custom fields always does). "Drip style" writes them the way Drip\'s docs ask, lowercase words joined by ' +
      'underscores (planName, Plan Name and plan-name all become plan_name; drip_ keys, which Drip reserves, get a ' +
      'segment_ prefix).',
    type: 'string',
    required: false,
    choices: [
      { label: 'As sent', value: 'as_sent' },
      { label: 'Drip style (lowercase_with_underscores)', value: 'drip_style' }
    ],
    default: 'as_sent'
  },
  user_id: {
    label: 'User ID',
    description: "Your own id for the person (Drip's user_id).",
    type: 'string',
    required: false,
    default: { '@path': '$.userId' }
  },
  new_email: {
    label: 'New Email',
    description: "A new email address for the person: Drip changes the person's email to it.",
    type: 'string',
    required: false,
    default: trait('new_email')
  },
  // Segment's spec names them firstName and lastName; the snake_case forms are read when those are missing.
  first_name: {
    label: 'First Name',
    description: "The person's first name (traits.firstName, else first_name). When empty, the first word of Name.",
    type: 'string',
    required: false,
    default: firstOf(['$.traits.firstName', '$.traits.first_name', '$.properties.first_name'])
  },
  last_name: {
    label: 'Last Name',
    description: "The person's last name (traits.lastName, else last_name). When empty, the rest of Name.",
    type: 'string',
    required: false,
    default: firstOf(['$.traits.lastName', '$.traits.last_name', '$.properties.last_name'])
  },
  name: {
    label: 'Name',
    description: "The person's full name, split into first and last name where those are empty.",
    type: 'string',
    required: false,
    default: trait('name')
  },
  phone: {
    label: 'Phone',
    description: "The person's primary phone number (Drip's phone; not the SMS channel).",
    type: 'string',
    required: false,
    default: trait('phone')
  },
  address: {
    label: 'Address',
    description: "The person's postal address, as in Segment's spec.",
    type: 'object',
    required: false,
    properties: {
      ...textParts(['street', 'city', 'state', 'postalCode']),
      postal_code: { label: 'Postal Code (snake_case)', type: 'string' },
      ...textParts(['country'])
    },
    default: trait('address')
  },
  lifetime_value: {
    label: 'Lifetime Value',
    description:
      "The person's lifetime value in currency units (e.g. 12.34); sent to Drip in the smallest unit of Currency (cents when none).",
    type: 'number',
    required: false,
    default: trait('lifetime_value')
  },
  currency: { ...minorUnitCurrency, description: `${minorUnitCurrency.description} Used for Lifetime Value.` },
  prospect: { ...prospect, default: trait('prospect') },
  base_lead_score: {
    label: 'Base Lead Score',
    description: 'The starting value for lead score calculation for this person (Drip assumes 30).',
    type: 'integer',
    required: false,
    default: trait('base_lead_score')
  },
  eu_consent: {
    label: 'EU Consent',
    description: 'Whether the person "granted" or "denied" GDPR consent.',
    type: 'string',
    required: false,
    default: trait('eu_consent')
  },
  eu_consent_message: {
    label: 'EU Consent Message',
    description: 'The message the person granted or denied consent to.',
    type: 'string',
    required: false,
    default: trait('eu_consent_message')
  },
  sms_consent: {
    label: 'SMS Consent',
    description: 'Whether the person consented to marketing by SMS.',
    type: 'boolean',
    required: false,
    default: trait('sms_consent')
  },
  remove_tags: {
    label: 'Remove Tags',
    description: 'Tags to remove from the person: a comma delimited list or an array.',
    type: 'string',
    multiple: true,
    required: false,
    default: trait('remove_tags')
  },
  deleted_row: {
    label: 'A Deleted Row',
    description:
      'Warehouse sources with the Delete sync mode: what a row leaving the model does to its person in Drip. ' +
      'Unsubscribe (from all mailings; the person and their history stay) or Delete (the person and their history ' +
      'are gone from Drip for good).',
    type: 'string',
    required: false,
    choices: [
      { label: 'Unsubscribe the person', value: 'unsubscribe' },
      { label: 'Delete the person', value: 'delete' }
    ],
    default: 'unsubscribe',
    depends_on: { conditions: [{ type: 'syncMode', operator: 'is', value: 'delete' }] }
  },
  audience_key: {
    label: 'Audience Synced as Tag',
    description:
      'The Engage audience or journey step this identify reports on, when Sync Audience keeps it as a Drip tag: its ' +
      "true/false trait is then left out of the custom fields. By default the audience's key " +
      '(context.personas.computation_key) when Drip is connected to the audience as an audience destination; clear ' +
      'it to keep the custom field as well.',
    type: 'string',
    required: false,
    default: {
      '@if': {
        exists: { '@path': '$.context.personas.external_audience_id' },
        then: { '@path': '$.context.personas.computation_key' }
      }
    }
  },
  consent_preferences: {
    label: 'Consent Preferences',
    description:
      "The person's consent by category, from Segment's Consent Management (context.consent.categoryPreferences). " +
      'Read only when Consent Category is set.',
    type: 'object',
    required: false,
    default: { '@path': '$.context.consent.categoryPreferences' }
  },
  consent_category: {
    label: 'Consent Category',
    description:
      'The consent category (as your Consent Management names it, e.g. Marketing or C0004) whose preference becomes ' +
      'EU Consent: true is granted, false is denied, and it wins over EU Consent as mapped. Empty, or not in the ' +
      "event's consent preferences: EU Consent stays as mapped.",
    type: 'string',
    required: false
  },
  consent_message_template: {
    label: 'EU Consent Message Template',
    description:
      'With a consent taken from Consent Category: the EU Consent Message sent with it, {category} standing for the ' +
      'category\'s name (e.g. "Marketing emails ({category}) in our cookie banner"). Empty: EU Consent Message as mapped.',
    type: 'string',
    required: false
  },
  unsubscribe_on_denied: {
    label: 'Unsubscribe When Consent Is Denied',
    description:
      'With a denial taken from Consent Category: also unsubscribe the person from all mailings (Status ' +
      'unsubscribed). Off: only EU Consent becomes denied.',
    type: 'boolean',
    required: false,
    default: false
  },
  batch_size,
  enable_batching
}

// Traits a field reads by default (`$.traits.email`, ...; not the whole `$.traits`) are not repeated as custom fields.
const STANDARD_TRAITS = traitKeysReadBy(fields)
const build = (payload: Payload) => engagedSubscriber(payload, STANDARD_TRAITS)

const SENDING: Sending<Payload> = { records: SUBSCRIBERS, build, removal: { asPlan: removedPersonPlan } }

const action: ActionDefinition<Settings, Payload> = {
  title: 'Identify',
  description: 'Identify person in Drip',
  defaultSubscription: 'type = "identify"',
  fields,
  dynamicFields: {
    custom_fields: {
      __keys__: (request, { settings, page }) =>
        pickFrom(request, settings, { path: 'custom_field_identifiers', key: 'custom_field_identifiers', page })
    }
  },
  syncMode: {
    label: 'How rows sync',
    description:
      'For warehouse sources (Reverse ETL). Upsert: a new or changed row creates or updates its person. Delete: a row ' +
      'leaving the model unsubscribes or deletes its person (A Deleted Row says which); it never creates one. Update ' +
      "(only people Drip has) is not offered: Drip's writes create people, and looking each one up first would spend " +
      "one of Drip's hourly requests per row. Mirror is not offered either: a person leaving a model is rarely one to " +
      'unsubscribe or delete as a matter of course; choose Delete for a model of people to remove.',
    default: 'upsert',
    choices: [
      { label: 'Upsert people (create or update)', value: 'upsert' },
      { label: 'Unsubscribe or delete people whose row left the model', value: 'delete' }
    ]
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
