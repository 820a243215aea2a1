import { fieldsToJsonSchema } from '@segment/actions-core'
import type { InputField } from '@segment/actions-core'
import { compile } from 'json-schema-to-typescript'
import type { JSONSchema4 } from 'json-schema'
import { format, resolveConfig } from 'prettier'
import path from 'path'
import definition from '../src'

// Builds every generated-types.ts from the field definitions, the way action-destinations' `generate:types` does.

const SRC = path.join(__dirname, '..', 'src')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

/** Path → content of every generated-types.ts the definition implies. */
export async function generatedTypes(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const settingsFields = (definition.authentication?.fields ?? {}) as Record<string, InputField>
  files.set(path.join(SRC, 'generated-types.ts'), await typesFor(settingsFields, 'Settings'))
  for (const [slug, action] of Object.entries(definition.actions)) {
    files.set(path.join(SRC, slug, 'generated-types.ts'), await typesFor(action.fields, 'Payload'))
  }
  return files
}

async function typesFor(fields: Record<string, InputField>, name: string): Promise<string> {
  const schema = withoutExtras(fieldsToJsonSchema(fields, { tsType: true }) as JSONSchema4)
  const source = await compile(schema, name, { bannerComment: BANNER })
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
