import { existsSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { parse } from 'yaml'
import { tablesUnder } from './markdown'

// `npm run references`: writes the project's own reference data, from the team's reference library (`../shared`),
// into `reference/`, where the simulator, the contract checks and the tests read it. A clone with nothing beside it
// has everything it needs; `../shared` stays the source this data is made from.
// `npm run references -- --check`: writes nothing, names every committed file that differs, exits 1 if any does.
// `--shared DIR` reads another copy of the library (default: the folder beside the repository).

const ROOT = path.join(__dirname, '..')
export const REFERENCE_DIR = path.join(ROOT, 'reference')

type Node = Record<string, unknown>

/** Every generated file: path → content. */
export function references(sharedDir: string): Map<string, string> {
  const files = new Map<string, string>()
  files.set(path.join(REFERENCE_DIR, 'drip-api-v2.json'), json(dripApiV2(path.join(sharedDir, 'drip-api', 'openapi'))))
  files.set(
    path.join(REFERENCE_DIR, 'drip-shopper-activity-v3.json'),
    json(shopperActivityV3(path.join(sharedDir, 'drip-api', 'docs')))
  )
  files.set(path.join(REFERENCE_DIR, 'catalog.json'), json(catalog(path.join(sharedDir, 'catalog', 'drip-actions.md'))))
  return files
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

// ---------------------------------------------------------------------------------------------------------------
// Drip's REST API v2: every documented operation, with its request body schema when it takes one
// ---------------------------------------------------------------------------------------------------------------

/** The keys of a JSON schema that say what a body must be. Descriptions, examples and `x-` keys are left behind. */
const STRUCTURE = new Set([
  'type',
  'properties',
  'required',
  'enum',
  'const',
  'format',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'oneOf',
  'anyOf',
  'allOf',
  'additionalProperties'
])

export function dripApiV2(openApiDir: string) {
  const root = path.join(openApiDir, 'rest-v2.yaml')
  if (!existsSync(root)) throw new Error(`Drip's OpenAPI description was not found at ${root}`)
  const spec = resolveRefs(root) as Node
  const server = String(((spec.servers as Node[]) ?? [])[0]?.url ?? '')
  const operations: Record<string, { requestBody?: unknown }> = {}
  for (const [template, item] of Object.entries((spec.paths ?? {}) as Record<string, Node>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const operation = item[method] as Node | undefined
      if (!operation) continue
      const schema = (((operation.requestBody as Node)?.content as Node)?.['application/json'] as Node)?.schema
      operations[`${method.toUpperCase()} ${template}`] = schema ? { requestBody: structure(schema) } : {}
    }
  }
  const sorted = Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b)))
  return {
    source: "Drip's OpenAPI description of the REST API v2 (shared/drip-api/openapi), request bodies as structure only",
    basePath: new URL(server).pathname,
    operations: sorted
  }
}

/** The whole description with every `$ref` (across files) replaced by what it points to. */
function resolveRefs(root: string): unknown {
  const documents = new Map<string, Node>()
  const load = (file: string): Node => {
    let doc = documents.get(file)
    if (!doc) {
      doc = parse(readFileSync(file, 'utf8')) as Node
      documents.set(file, doc)
    }
    return doc
  }
  const resolve = (node: unknown, file: string, seen: string[]): unknown => {
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
  return resolve(load(root), root, [])
}

function atPointer(doc: Node, pointer: string): unknown {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node as Node)?.[part], doc)
}

/** A schema reduced to its structure (see STRUCTURE); property names are kept as they are. */
function structure(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structure)
  if (!schema || typeof schema !== 'object') return schema
  const result: Node = {}
  for (const [key, value] of Object.entries(schema as Node)) {
    if (!STRUCTURE.has(key)) continue
    if (key === 'properties') {
      result.properties = Object.fromEntries(Object.entries(value as Node).map(([name, s]) => [name, structure(s)]))
    } else if (key === 'enum' || key === 'required' || key === 'const' || typeof value !== 'object') {
      result[key] = value
    } else {
      result[key] = structure(value)
    }
  }
  return result
}

// ---------------------------------------------------------------------------------------------------------------
// Drip's Shopper Activity API v3: no OpenAPI description is published, so the request bodies are made from the
// reference pages: which properties there are and which are required, from their argument tables; their types, which
// the tables give only in words, from the table below (a property the pages list and the table lacks is an error).
// ---------------------------------------------------------------------------------------------------------------

const text = { type: 'string' }
const money = { type: 'number' }
const SHOPPER_ACTIVITY_TYPES: Record<string, unknown> = {
  provider: text,
  person_id: text,
  email: { type: 'string', format: 'email' },
  initial_status: { type: 'string', enum: ['active', 'unsubscribed'] },
  occurred_at: { type: 'string', format: 'date-time' },
  order_id: text,
  order_public_id: text,
  cart_id: text,
  cart_public_id: text,
  grand_total: money,
  total_discounts: money,
  total_taxes: money,
  total_fees: money,
  total_shipping: money,
  refund_amount: money,
  currency: text,
  order_url: text,
  cart_url: text,
  product_id: text,
  product_variant_id: text,
  sku: text,
  name: text,
  brand: text,
  categories: { type: 'array', items: text },
  price: money,
  sale_price: money,
  quantity: money,
  discounts: money,
  taxes: money,
  fees: money,
  shipping: money,
  total: money,
  inventory: { type: 'integer' },
  product_url: text,
  image_url: text,
  label: text,
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postal_code: text,
  country: text,
  phone: text
}

/** The `action` values each kind takes, from the pages' words ("this can be either placed, updated, ..."). */
function actionsOf(markdown: string): string[] {
  const words = /this can be either ([^.]+)\./.exec(markdown.replace(/<\/?code>/g, ''))?.[1]
  if (!words) throw new Error('a Shopper Activity page does not list its actions')
  return words
    .split(/,\s*|\s+or\s+/)
    .map((w) => w.replace(/^or\s+/, '').trim())
    .filter(Boolean)
}

interface DocProperty {
  name: string
  required: boolean
  children: DocProperty[]
}

/** The properties in a page's "Arguments" table, nested tables (items, addresses) as children. */
function argumentsOf(markdown: string): DocProperty[] {
  const section = markdown.slice(markdown.indexOf('### Arguments'))
  const top: DocProperty[] = []
  let parent: DocProperty | undefined
  for (const match of section.matchAll(/<td><code>([a-z0-9_]+)<\/code><\/td>\s*<td>\s*(Required|Optional|An)/g)) {
    const before = section.slice(0, match.index)
    const depth = (before.match(/<table/g) ?? []).length - (before.match(/<\/table>/g) ?? []).length
    const property = { name: match[1], required: match[2] === 'Required', children: [] }
    if (depth <= 1) {
      top.push(property)
      parent = match[2] === 'An' ? property : undefined
    } else if (parent) {
      parent.children.push(property)
    }
  }
  return top
}

function objectSchema(properties: DocProperty[], page: string): Record<string, unknown> {
  const schema: Record<string, unknown> = {}
  for (const property of properties) {
    if (property.children.length > 0) {
      const object = objectSchema(property.children, page)
      schema[property.name] = property.name === 'items' ? { type: 'array', items: object } : object
      continue
    }
    // The action's values differ by kind: shopperActivityV3 sets them.
    const type = property.name === 'action' ? { type: 'string' } : SHOPPER_ACTIVITY_TYPES[property.name]
    if (!type) throw new Error(`${page}: "${property.name}" has no type in SHOPPER_ACTIVITY_TYPES`)
    schema[property.name] = type
  }
  const required = properties.filter((p) => p.required).map((p) => p.name)
  // Custom attributes are allowed on events and on their items: the objects stay open.
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties: schema }
}

export function shopperActivityV3(docsDir: string) {
  const kinds = [
    { kind: 'order', list: 'orders' },
    { kind: 'cart', list: 'carts' },
    { kind: 'product', list: 'products' }
  ]
  const operations: Record<string, { requestBody: unknown }> = {}
  for (const { kind, list } of kinds) {
    const page = path.join(docsDir, `shopper_activity-${kind}_activity.md`)
    if (!existsSync(page)) throw new Error(`Drip's ${kind} activity page was not found at ${page}`)
    const markdown = readFileSync(page, 'utf8')
    const record = objectSchema(argumentsOf(markdown), page) as { properties: Record<string, unknown> }
    record.properties.action = { type: 'string', enum: actionsOf(markdown) }
    operations[`POST /{account_id}/shopper_activity/${kind}`] = { requestBody: record }
    operations[`POST /{account_id}/shopper_activity/${kind}/batch`] = {
      requestBody: {
        type: 'object',
        required: [list],
        properties: { [list]: { type: 'array', minItems: 1, maxItems: 1000, items: record } }
      }
    }
  }
  return {
    source:
      "Drip's Shopper Activity API v3 reference pages (shared/drip-api/docs/shopper_activity-*.md): properties and " +
      'required flags from their argument tables, types from scripts/references.ts',
    basePath: '/v3',
    operations
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The Segment catalog page: settings, presets, actions and their fields
// ---------------------------------------------------------------------------------------------------------------

export function catalog(page: string) {
  if (!existsSync(page)) throw new Error(`The catalog page was not found at ${page}`)
  const markdown = readFileSync(page, 'utf8')
  const settingsRows = (heading: string) =>
    tablesUnder(markdown, heading).map((row) => ({
      label: row.Field,
      description: row.Description,
      type: row.Type,
      required: row.Required === 'Yes'
    }))
  // The page lists the settings twice; one list is kept, and they must agree.
  const settings = settingsRows('## Destination Settings')
  if (JSON.stringify(settings) !== JSON.stringify(settingsRows('## Settings'))) {
    throw new Error(`${page}: "Destination Settings" and "Settings" list different settings`)
  }
  const presets = tablesUnder(markdown, '## Available Presets').map((row) => ({
    name: row['Preset Name'],
    trigger: row.Trigger,
    action: row['Default Action']
  }))
  const titles = [...markdown.matchAll(/^\* \[([^\]]+)\]\(#/gm)].map((match) => match[1])
  const actions = titles.map((title) => {
    const section = markdown.split(`\n### ${title}\n`)[1] ?? ''
    const trigger = /The default Trigger is `([^`]+)`/.exec(section)?.[1]
    if (!trigger) throw new Error(`${page}: action "${title}" has no default trigger`)
    return {
      title,
      description: section.trim().split('\n')[0].trim(),
      defaultTrigger: trigger,
      fields: settingsRows(`### ${title}`).map((field) => ({ ...field, type: field.type.toLowerCase() }))
    }
  })
  return {
    source: 'The Segment catalog page of Drip (Actions) (shared/catalog/drip-actions.md)',
    settings,
    presets,
    actions
  }
}

// ---------------------------------------------------------------------------------------------------------------

function main() {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const sharedAt = args.indexOf('--shared')
  const sharedDir = sharedAt >= 0 ? path.resolve(args[sharedAt + 1] ?? '') : path.join(ROOT, '..', 'shared')
  const differ: string[] = []
  for (const [file, content] of references(sharedDir)) {
    const name = path.relative(process.cwd(), file)
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    if (current === content) continue
    if (check) differ.push(current === undefined ? `${name} (missing)` : name)
    else {
      writeFileSync(file, content)
      console.log(`wrote ${name}`)
    }
  }
  if (differ.length > 0) {
    console.error(`reference data differs from ${sharedDir} (run npm run references): ${differ.join(', ')}`)
    process.exit(1)
  }
  if (check) console.log(`reference data matches ${sharedDir}`)
}

if (require.main === module) {
  try {
    main()
  } catch (error) {
    console.error(`references: ${(error as Error).message}`)
    process.exit(1)
  }
}
