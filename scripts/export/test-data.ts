import Chance from 'chance'
import type { ActionDefinition, DestinationDefinition, InputField } from '@segment/actions-core'

// Stands in for action-destinations' `lib/test-data` when the exported folder is tested here (npm run check:export):
// seeded values from each field's type, format and choices, so the destination's snapshot tests run as they will in
// that repository. Written for this project; the repository's own module takes its place there.

type Field = Pick<InputField, 'type' | 'format' | 'choices' | 'minimum' | 'maximum' | 'multiple'>
type Data = Record<string, unknown>

/** A value for a field of this type, from a generator seeded with `seed` alone, as that module makes one. */
function valueFor(seed: string, field: Field, key?: string): unknown {
  const chance = new Chance(seed)
  if (Array.isArray(field.choices)) {
    const choice = chance.pickone(field.choices as Array<string | { value: unknown }>)
    return typeof choice === 'object' && choice.value ? choice.value : choice
  }
  const range = {
    ...(field.minimum !== undefined && { min: field.minimum }),
    ...(field.maximum !== undefined && { max: field.maximum })
  }
  let value: unknown
  if (field.type === 'boolean') value = chance.bool()
  else if (field.type === 'datetime') value = '2021-02-01T00:00:00.000Z'
  else if (field.type === 'integer') value = chance.integer(range)
  else if (field.type === 'number') value = chance.floating({ ...range, fixed: 2 })
  else if (field.type === 'text') value = chance.sentence()
  else if (field.type === 'object') value = { testType: chance.string() }
  else value = stringFor(chance, field.format)
  if (key === 'email') value = chance.email()
  if (key === 'currency') value = chance.currency().code
  if (key === 'phone_number') value = '+' + chance.phone({ formatted: false })
  return value
}

function stringFor(chance: Chance.Chance, format: string | undefined): string {
  const date = () => chance.date() as Date
  const pad = (parts: number[], separator: string) => parts.map((v) => String(v).padStart(2, '0')).join(separator)
  switch (format) {
    case 'date': {
      const d = date()
      return pad([d.getFullYear(), d.getMonth() + 1, d.getDate()], '-')
    }
    case 'date-time':
      return date().toISOString()
    case 'email':
      return chance.email()
    case 'hostname':
      return chance.domain()
    case 'ipv4':
      return chance.ip()
    case 'ipv6':
      return chance.ipv6()
    case 'time': {
      const d = date()
      return pad([d.getHours(), d.getMinutes(), d.getSeconds()], ':')
    }
    case 'uri':
      return chance.url()
    case 'uuid':
      return chance.guid()
    default:
      return chance.string()
  }
}

function put(data: Data, key: string, field: Field, value: unknown): Data {
  data[key] = field.multiple ? [value] : value
  return data
}

/** Event properties for an action's fields (required ones, and those named like ids or consent), and settings. */
export function generateTestData(
  seedName: string,
  destination: DestinationDefinition<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  action: ActionDefinition<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  isRequiredOnly: boolean
  // Untyped, as in that repository: tests hand the data to createTestEvent and mappings as they are.
): any[] /* eslint-disable-line @typescript-eslint/no-explicit-any */ {
  const settings: Data = {}
  // Settings take no choices and are never lists there.
  for (const [key, { type, format, minimum, maximum }] of Object.entries(destination.authentication?.fields ?? {})) {
    settings[key] = valueFor(seedName, { type, format, minimum, maximum })
  }
  const event: Data = {}
  for (const [key, field] of Object.entries(action.fields)) {
    if (isRequiredOnly && !(field.required || key.includes('id') || key.includes('consent'))) continue
    if (field.properties) {
      const parts: Data = {}
      for (const [part, property] of Object.entries(field.properties)) {
        if (isRequiredOnly && !property.required) continue
        put(parts, part, property, valueFor(seedName, property, part))
      }
      put(event, key, field, parts)
    } else if (key === 'consent') {
      put(event, key, field, { categoryPreferences: { analytics: true, marketing: false } })
    } else {
      put(event, key, field, valueFor(seedName, field, key))
    }
  }
  return [event, settings]
}
