import { dripRequestSchemas } from '../tools/simulator/schemas'

// The contract with Drip: every request body the destination builds validates against Drip's own OpenAPI request
// schemas, carries no subscriber or event field Drip does not document (but the catalog's status_updated_at), and
// sends custom field values as strings.

const openApi = dripRequestSchemas()

const documentedFields = (template: string, key: string): Set<string> => {
  const schema = openApi.requestSchema('POST', template) as {
    properties: Record<string, { items: { properties: Record<string, unknown> } }>
  }
  return new Set(Object.keys(schema.properties[key].items.properties))
}
const SUBSCRIBER_FIELDS = new Set([
  ...documentedFields('/v2/{account_id}/subscribers', 'subscribers'),
  'status_updated_at'
])
const EVENT_FIELDS = documentedFields('/v2/{account_id}/events', 'events')

/** What is wrong with a request to Drip, or [] when it keeps the contract. */
export function contractProblems(method: string, path: string, body: unknown): string[] {
  if (method.toUpperCase() === 'GET') return []
  const problems = openApi.validate(method, path, body).map((e) => `${e.attribute}: ${e.message} [${e.code}]`)
  const input = body as Record<string, unknown>
  const records = (key: string): Array<Record<string, unknown>> => {
    const direct = input?.[key]
    if (Array.isArray(direct)) return direct
    const batches = input?.batches
    return Array.isArray(batches) ? (batches.flatMap((b) => (b as Record<string, unknown[]>)[key] ?? []) as never) : []
  }
  for (const subscriber of records('subscribers')) {
    for (const key of Object.keys(subscriber)) {
      if (!SUBSCRIBER_FIELDS.has(key)) problems.push(`subscriber field "${key}" is not in Drip's reference`)
    }
    for (const [key, value] of Object.entries((subscriber.custom_fields as Record<string, unknown>) ?? {})) {
      if (typeof value !== 'string') problems.push(`custom field "${key}" is a ${typeof value}, not a string`)
    }
  }
  for (const event of records('events')) {
    for (const key of Object.keys(event)) {
      if (!EVENT_FIELDS.has(key)) problems.push(`event field "${key}" is not in Drip's reference`)
    }
  }
  return problems.map((p) => `${method.toUpperCase()} ${path}: ${p}`)
}

/** Problems seen in the current test file; test/setup.ts fails the test that caused any. */
export const contractViolations: string[] = []
