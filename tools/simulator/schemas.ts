import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { readReference } from '../reference'

// Drip's request body schemas, as `npm run references` took them from what Drip publishes: its OpenAPI description of
// the v2 API (reference/drip-api-v2.json) and its Shopper Activity v3 pages (reference/drip-shopper-activity-v3.json).

interface DripApiReference {
  basePath: string
  operations: Record<string, { requestBody?: Record<string, unknown> }>
}

/** One error in Drip's 422 shape. */
export interface DripValidationError {
  code: string
  attribute: string
  message: string
}

export interface RequestSchemas {
  /** The documented path template (`/v2/{account_id}/subscribers`) for a request path such as `/v2/123/subscribers`. */
  route(method: string, requestPath: string): string | undefined
  /** Drip-style errors for a request body, or [] when it matches the documented request schema. */
  validate(method: string, requestPath: string, body: unknown): DripValidationError[]
  /** The documented request body schema of an operation. */
  requestSchema(method: string, template: string): Record<string, unknown> | undefined
}

export function dripRequestSchemas(): RequestSchemas {
  const bodies = new Map<string, Record<string, unknown> | undefined>()
  const operations = ['drip-api-v2.json', 'drip-shopper-activity-v3.json'].flatMap((file) => {
    const reference = readReference<DripApiReference>(file)
    return Object.entries(reference.operations).map(([key, operation]) => {
      const [method, local] = key.split(' ')
      const template = `${reference.basePath}${local}`
      bodies.set(`${method} ${template}`, operation.requestBody)
      return {
        method,
        template,
        literal: template.split('/').filter((s) => s && !s.startsWith('{')).length,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
      }
    })
  })
  // The most literal template wins: /subscribers/batches before /subscribers/{id_or_email}.
  operations.sort((a, b) => b.literal - a.literal)

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  const validators = new Map<string, ValidateFunction | null>()

  const route = (method: string, requestPath: string): string | undefined =>
    operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(requestPath))?.template

  const requestSchema = (method: string, template: string) => bodies.get(`${method.toUpperCase()} ${template}`)

  const validatorFor = (method: string, template: string): ValidateFunction | null => {
    const key = `${method.toUpperCase()} ${template}`
    if (!validators.has(key)) {
      const schema = requestSchema(method, template)
      validators.set(key, schema ? ajv.compile(schema) : null)
    }
    return validators.get(key) ?? null
  }

  return {
    route,
    requestSchema,
    validate(method, requestPath, body) {
      const template = route(method, requestPath)
      if (!template) return []
      const validator = validatorFor(method, template)
      if (!validator || validator(body)) return []
      return (validator.errors ?? []).map(asDripValidationError)
    }
  }
}

/** An ajv error in the words Drip uses for a 422: its codes and "Attribute must ..." messages. */
function asDripValidationError(error: ErrorObject): DripValidationError {
  const segments = error.instancePath.split('/').filter((s) => s && !/^\d+$/.test(s))
  const attribute =
    error.keyword === 'required'
      ? String((error.params as { missingProperty: string }).missingProperty)
      : (segments[segments.length - 1] ?? 'body')
  const name = humanize(attribute)
  switch (error.keyword) {
    case 'required':
      return { code: 'presence_error', attribute, message: `${name} is required` }
    case 'format': {
      const format = (error.params as { format: string }).format
      if (format === 'email')
        return { code: 'email_error', attribute, message: `${name} must be a valid email address` }
      if (format === 'date-time') return { code: 'time_error', attribute, message: `${name} must be a valid time` }
      return { code: 'format_error', attribute, message: `${name} is not a valid ${format}` }
    }
    case 'minItems':
    case 'maxItems':
      return { code: 'length_error', attribute, message: `${name} must contain between 1 and 1000 items` }
    case 'enum':
      return {
        code: 'format_error',
        attribute,
        message: `${name} must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`
      }
    default:
      return { code: 'format_error', attribute, message: `${name} ${error.message ?? 'is not valid'}` }
  }
}

function humanize(attribute: string): string {
  const words = attribute.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
