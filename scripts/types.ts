import { fieldsToJsonSchema } from '@segment/actions-core'
import type { AudienceDestinationDefinition, InputField } from '@segment/actions-core'
import { compile } from 'json-schema-to-typescript'
import type { JSONSchema4 } from 'json-schema'
import { resolveConfig } from 'prettier'
import path from 'path'

// Builds every generated-types.ts from the field definitions exactly as action-destinations' `generate:types` does:
// Settings from the authentication fields (then AudienceSettings from the audience fields), each action's Payload
// from its fields alone (then each hook's Inputs and Outputs), formatted by the prettier
// that json-schema-to-typescript carries, with the repository's prettier options. Shapes several payloads share are
// derived from these in src/records/shapes.ts, so regenerating in that repository changes nothing.

const SRC = path.join(__dirname, '..', 'src')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

type Fields = Record<string, InputField>

/**
 * Path → content of every generated-types.ts the definition implies: src/'s, or that of a destination folder `dir`
 * (an exported PR of the series, say).
 */
export async function generatedTypes(dir = SRC): Promise<Map<string, string>> {
  const definition = (await import(dir)).default as AudienceDestinationDefinition<unknown>
  const style = (await resolveConfig(path.join(SRC, 'index.ts'))) ?? undefined
  const typesOf = (fields: Fields, name: string) =>
    compile(withoutExtras(fieldsToJsonSchema(fields, { tsType: true }) as JSONSchema4), name, {
      bannerComment: BANNER,
      style: style as never
    })
  const files = new Map<string, string>()
  const settingsFields = (definition.authentication?.fields ?? {}) as Fields
  const audienceFields = (definition.audienceFields ?? {}) as Fields
  let settingsTypes = await typesOf(settingsFields, 'Settings')
  if (Object.keys(audienceFields).length > 0) settingsTypes += await typesOf(audienceFields, 'AudienceSettings')
  files.set(path.join(dir, 'generated-types.ts'), settingsTypes)
  for (const [slug, action] of Object.entries(definition.actions)) {
    let types = await typesOf(action.fields as Fields, 'Payload')
    for (const [hookName, hook] of Object.entries(action.hooks ?? {})) {
      if (hook?.inputFields) types += await typesOf(hook.inputFields as Fields, `${hookName}Inputs`)
      if (hook?.outputTypes) types += await typesOf(hook.outputTypes as unknown as Fields, `${hookName}Outputs`)
    }
    files.set(path.join(dir, slug, 'generated-types.ts'), types)
  }
  return files
}

// Titles and enums only clutter the output: labels live in the definition, and choices stay plain strings.
function withoutExtras(schema: JSONSchema4): JSONSchema4 {
  const copy = { ...schema }
  delete copy.title
  delete copy.enum
  if (copy.type === 'object' && copy.properties) {
    for (const [key, property] of Object.entries(copy.properties)) copy.properties[key] = withoutExtras(property)
  } else if (copy.type === 'array' && copy.items && !Array.isArray(copy.items)) {
    copy.items = withoutExtras(copy.items)
  }
  return copy
}
