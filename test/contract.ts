import { dripRequestSchemas } from '../tools/simulator/schemas'

// The contract with Drip: every request body the destination builds validates against Drip's request schemas (v2 from
// its OpenAPI description, v3 from its Shopper Activity pages); a REST v2 record carries no field Drip does not
// document for that request (but the catalog's status_updated_at), and custom field values are strings.

const openApi = dripRequestSchemas()

type Schema = { properties?: Record<string, Schema>; items?: Schema }

/**
 * The records a body carries (`{subscribers: [...]}`, `{tags: [...]}`, `{batches: [{events: [...]}]}`), each with the
 * properties Drip documents for it.
 */
function recordsOf(
  schema: Schema | undefined,
  body: unknown
): Array<{ record: Record<string, unknown>; known: Set<string> }> {
  const found: Array<{ record: Record<string, unknown>; known: Set<string> }> = []
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    const value = (body as Record<string, unknown> | undefined)?.[key]
    if (!Array.isArray(value) || !property.items) continue
    if (key === 'batches') {
      for (const batch of value) found.push(...recordsOf(property.items, batch))
      continue
    }
    const known = new Set(Object.keys(property.items.properties ?? {}))
    for (const record of value) if (record && typeof record === 'object') found.push({ record, known })
  }
  return found
}

/** A body with one empty record in each array property, to read a schema's record fields with recordsOf. */
function exampleOf(schema: Schema): Record<string, unknown> {
  return Object.fromEntries(Object.keys(schema.properties ?? {}).map((key) => [key, [{}]]))
}

/** What is wrong with a request to Drip, or [] when it keeps the contract. */
export function contractProblems(method: string, path: string, body: unknown): string[] {
  if (method.toUpperCase() === 'GET') return []
  const problems = openApi.validate(method, path, body).map((e) => `${e.attribute}: ${e.message} [${e.code}]`)
  const template = openApi.route(method, path.split('?')[0])
  // Shopper Activity takes custom attributes on orders, carts and items: only REST v2 bodies are closed.
  if (template?.startsWith('/v2/')) {
    const subscribers =
      template === '/v2/{account_id}/subscribers' || template === '/v2/{account_id}/subscribers/batches'
    // Drip's batch schemas list fewer fields than its single ones for the same records: a batch record may carry what
    // the single endpoint documents.
    const single = template.endsWith('/batches')
      ? (openApi.requestSchema(method, template.slice(0, -'/batches'.length)) as Schema | undefined)
      : undefined
    const singleFields = single && new Set(recordsOf(single, exampleOf(single)).flatMap((r) => [...r.known]))
    for (const { record, known: listed } of recordsOf(openApi.requestSchema(method, template) as Schema, body)) {
      const known = singleFields ?? listed
      for (const key of Object.keys(record)) {
        // The catalog lists Status Updated At, which Drip's reference does not.
        if (!known.has(key) && !(subscribers && key === 'status_updated_at')) {
          problems.push(`field "${key}" is not in Drip's reference`)
        }
      }
      for (const [key, value] of Object.entries((record.custom_fields as Record<string, unknown>) ?? {})) {
        if (typeof value !== 'string') problems.push(`custom field "${key}" is a ${typeof value}, not a string`)
      }
    }
  }
  return problems.map((p) => `${method.toUpperCase()} ${path}: ${p}`)
}

/** Problems seen in the current test file; test/setup.ts fails the test that caused any. */
export const contractViolations: string[] = []
