import { fieldsToJsonSchema } from '@segment/actions-core'
import type { InputField } from '@segment/actions-core'
import { compile } from 'json-schema-to-typescript'
import type { JSONSchema4 } from 'json-schema'
import { format, resolveConfig } from 'prettier'
import path from 'path'
import definition from '../src'
import { addressParts, items, joiningSubscriber, shopperPerson } from '../src/fields'

// Builds every generated-types.ts from the field definitions, the way action-destinations' `generate:types` does.
// Field shapes that several actions share are declared once, in src/generated-types.ts beside Settings, and the
// payloads name them: an order and a cart hold the same items, and a change to one shared field changes one type.

const SRC = path.join(__dirname, '..', 'src')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

/** Object fields whose parts are shared, by the identity of their `properties`: the type each is declared as. */
const SHARED_OBJECTS = new Map<unknown, string>([
  [items.properties, 'Item'],
  [addressParts, 'Address']
])

/** Groups of fields that payloads spread in whole: a payload holding all of them extends the group's interface. */
const SHARED_GROUPS: Record<string, Record<string, InputField>> = {
  ShopperPerson: shopperPerson,
  JoiningSubscriber: joiningSubscriber
}

/** Path → content of every generated-types.ts the definition implies. */
export async function generatedTypes(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const settingsFields = (definition.authentication?.fields ?? {}) as Record<string, InputField>
  const shared = [
    await declaration(settingsFields, 'Settings'),
    ...(await Promise.all([...SHARED_OBJECTS].map(([parts, name]) => declaration(parts as Fields, name)))),
    ...(await Promise.all(Object.entries(SHARED_GROUPS).map(([name, group]) => declaration(group, name))))
  ]
  files.set(path.join(SRC, 'generated-types.ts'), await formatted([BANNER, ...shared].join('\n\n')))
  for (const [slug, action] of Object.entries(definition.actions)) {
    files.set(path.join(SRC, slug, 'generated-types.ts'), await payloadTypes(action.fields))
  }
  return files
}

type Fields = Record<string, InputField>

/** An action's Payload: its own fields, shared shapes by name, imported from the destination's generated types. */
async function payloadTypes(fields: Fields): Promise<string> {
  const groups = Object.entries(SHARED_GROUPS).filter(([, group]) =>
    Object.entries(group).every(([key, field]) => fields[key] === field)
  )
  const own = Object.fromEntries(
    Object.entries(fields).filter(([key]) => !groups.some(([, group]) => key in group))
  ) as Fields
  const schema = withoutExtras(fieldsToJsonSchema(own, { tsType: true }) as JSONSchema4)
  const used = groups.map(([name]) => name)
  for (const [key, field] of Object.entries(own)) {
    const name = SHARED_OBJECTS.get(field.properties)
    if (!name) continue
    used.push(name)
    schema.properties![key] = { description: field.description, tsType: field.multiple ? `${name}[]` : name }
  }
  // A title makes the super type a named reference; declareExternallyReferenced leaves its declaration to the import.
  // (json-schema-to-typescript takes schemas in `extends`, which JSONSchema4 types as names.)
  schema.extends = groups.map(([name]) => ({ title: name, type: 'object' })) as unknown as string[]
  const imports =
    used.length > 0 ? `\nimport type { ${[...new Set(used)].sort().join(', ')} } from '../generated-types'` : ''
  const source = await compile(schema, 'Payload', {
    bannerComment: BANNER + imports,
    declareExternallyReferenced: false
  })
  return formatted(source)
}

async function declaration(fields: Fields, name: string): Promise<string> {
  const schema = withoutExtras(fieldsToJsonSchema(fields, { tsType: true }) as JSONSchema4)
  return compile(schema, name, { bannerComment: '' })
}

async function formatted(source: string): Promise<string> {
  const options = (await resolveConfig(path.join(SRC, 'index.ts'))) ?? {}
  return format(source, { ...options, parser: 'typescript' })
}

// Titles and enums only clutter the output: labels live in the definition, and choices stay plain strings.
function withoutExtras(schema: JSONSchema4): JSONSchema4 {
  const copy = { ...schema }
  delete copy.title
  delete copy.enum
  if (copy.type === 'object' && copy.properties) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, property]) => [key, withoutExtras(property)])
    )
  } else if (copy.type === 'array' && copy.items && !Array.isArray(copy.items)) {
    copy.items = withoutExtras(copy.items)
  }
  return copy
}
