import type { InputField } from '@segment/actions-core'
import { DRIP_BATCH_MAX } from './constants'

// Fields that more than one action declares, so every action labels and fills them the same way.

export const email: InputField = {
  label: 'Email Address',
  description: "The person's email address.",
  type: 'string',
  format: 'email',
  required: true
}

export const enable_batching: InputField = {
  label: 'Enable Batching?',
  description: 'When enabled, Segment will send events in batches.',
  type: 'boolean',
  required: false,
  // Off by default: Drip allows only 50 batch requests an hour, so a low-volume source sending many small batches
  // would run out long before it ran out of the 3,600 single requests. Turn it on for high volumes.
  default: false
}

export const batch_size: InputField = {
  label: 'Batch Size',
  description:
    'Maximum number of events to include in each batch. Actual batch sizes may be lower. Max size must be between 1 and 1000 inclusive.',
  type: 'integer',
  required: false,
  minimum: 1,
  maximum: DRIP_BATCH_MAX,
  default: DRIP_BATCH_MAX
}

export const prospect: InputField = {
  label: 'Prospect',
  description:
    'Whether Drip should attach a lead score to the person (when lead scoring is enabled). Drip assumes true when left out.',
  type: 'boolean',
  required: false
}

/**
 * The trait keys that fields read by default (`$.traits.<key>`, also inside `@if`), so that the traits a standard
 * Drip field takes are not sent again as custom fields.
 */
export function traitKeysReadBy(fields: Record<string, InputField>): Set<string> {
  const keys = new Set<string>()
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      const match = /^\$\.traits\.([^.[\]]+)/.exec(value)
      if (match) keys.add(match[1])
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(visit)
    }
  }
  Object.values(fields).forEach((field) => visit(field.default))
  return keys
}
