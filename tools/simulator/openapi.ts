import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { existsSync, readFileSync } from 'fs'
import path from 'path'
import { parse } from 'yaml'

// Drip's own OpenAPI description of the v2 REST API, loaded from its YAML files (the aggregator rest-v2.yaml and the
// fragments it $refs), so request bodies are checked against what Drip publishes rather than a copy of it.

/** Where the YAML lives: DRIP_OPENAPI_DIR, else the project's shared folder beside the repository. */
export const DEFAULT_OPENAPI_DIR =
  process.env.DRIP_OPENAPI_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'drip-api', 'openapi')

type Node = Record<string, unknown>

/** One error in Drip's 422 shape. */
export interface DripValidationError {
  code: string
  attribute: string
  message: string
}

export interface OpenApiValidator {
  /** The spec's path template for a request path such as `/v2/123/subscribers`, if Drip documents it. */
  route(method: string, requestPath: string): string | undefined
  /** Drip-style errors for a request body, or [] when it matches the documented request schema. */
  validate(method: string, requestPath: string, body: unknown): DripValidationError[]
  /** The documented request body schema of an operation, $refs resolved. */
  requestSchema(method: string, template: string): Record<string, unknown> | undefined
}

export function loadOpenApi(dir: string = DEFAULT_OPENAPI_DIR): OpenApiValidator {
  const root = path.join(dir, 'rest-v2.yaml')
  if (!existsSync(root)) throw new Error(`Drip's OpenAPI description was not found at ${root} (set DRIP_OPENAPI_DIR)`)
  const documents = new Map<string, Node>()
  const load = (file: string): Node => {
    let doc = documents.get(file)
    if (!doc) {
      doc = parse(readFileSync(file, 'utf8')) as Node
      documents.set(file, doc)
    }
    return doc
  }

  // Replaces every $ref with what it points to (across files), leaving a plain JSON schema.
  const resolve = (node: unknown, file: string, seen: string[] = []): unknown => {
    if (Array.isArray(node)) return node.map((item) => resolve(item, file, seen))
    if (!node || typeof node !== 'object') return node
    const ref = (node as Node).$ref
    if (typeof ref === 'string') {
      const [target, pointer = ''] = ref.split('#')
      const targetFile = target ? path.resolve(path.dirname(file), target) : file
      const key = `${targetFile}#${pointer}`
      if (seen.includes(key)) return {}
      return resolve(atPointer(load(targetFile), pointer), targetFile, [...seen, key])
    }
    return Object.fromEntries(Object.entries(node as Node).map(([k, v]) => [k, resolve(v, file, seen)]))
  }

  const spec = resolve(load(root), root) as Node
  const basePath = new URL(String(((spec.servers as Node[]) ?? [])[0]?.url ?? 'https://api.getdrip.com/v2')).pathname
  const paths = (spec.paths ?? {}) as Record<string, Node>
  const templates = Object.keys(paths)
    .map((template) => ({
      template,
      literal: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
    }))
    .sort((a, b) => b.literal - a.literal)

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  const validators = new Map<string, ValidateFunction | null>()

  const route = (method: string, requestPath: string): string | undefined => {
    const local = requestPath.startsWith(basePath) ? requestPath.slice(basePath.length) : requestPath
    const found = templates.find((t) => t.pattern.test(local) && paths[t.template][method.toLowerCase()])
    return found?.template
  }

  const requestSchema = (method: string, template: string): Node | undefined => {
    const operation = paths[template]?.[method.toLowerCase()] as Node | undefined
    return (((operation?.requestBody as Node)?.content as Node)?.['application/json'] as Node)?.schema as
      Node | undefined
  }

  const validatorFor = (method: string, template: string): ValidateFunction | null => {
    const key = `${method} ${template}`
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
      return (validator.errors ?? []).map(toDripError)
    }
  }
}

function atPointer(doc: Node, pointer: string): unknown {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node as Node)?.[part], doc)
}

/** An ajv error in the words Drip uses for a 422: its codes and "Attribute must ..." messages. */
function toDripError(error: ErrorObject): DripValidationError {
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
