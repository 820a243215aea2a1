import { spawnSync } from 'child_process'
import { existsSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'

// The folder's metadata.json, as segmentio/action-destinations' `generate:metadata-payload` writes it and its CI's
// assert-metadata-payload step requires it current: the definition's public description (settings, actions with
// their fields, presets), functions left out, every absent option written as its default, `JSON.stringify(…, null,
// 2)` and a newline (that repository's prettier ignores metadata.json). Written for this project; checked byte for
// byte against that generator's output (docs/export.md).
//
// `ts-node scripts/export/metadata.ts DIR [--check]` loads DIR/index.ts and writes DIR/metadata.json, or with
// --check exits 1 when the file there is missing or differs. The definition is loaded in a process of its own, with
// this project's node_modules as the fallback for what DIR's own folders do not provide.

type Loose = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** Hooks the generator describes (actions-core's hookTypeStrings). */
const HOOKS = ['onMappingSave', 'retlOnMappingSave']

const orNull = (value: unknown) => value ?? null
const requiredOf = (field: Loose) =>
  typeof field.required === 'object' && field.required !== null ? field.required : field.required === true

function choicesOf(choices: unknown): Array<{ label: string; value: unknown }> | null {
  if (!Array.isArray(choices) || choices.length === 0) return null
  return choices.map((choice: unknown) =>
    typeof choice === 'object' && choice !== null && 'label' in choice && 'value' in choice
      ? (choice as { label: string; value: unknown })
      : { label: String(choice), value: choice }
  )
}

function setting(field: Loose) {
  return {
    label: field.label,
    description: field.description,
    type: field.type,
    required: requiredOf(field),
    multiple: field.multiple ?? false,
    choices: choicesOf(field.choices),
    default: orNull(field.default),
    depends_on: orNull(field.depends_on)
  }
}

function eachOf<T>(record: Loose | undefined, describe: (value: Loose, key: string) => T): Record<string, T> {
  const out: Record<string, T> = {}
  for (const [key, value] of Object.entries(record ?? {})) out[key] = describe(value as Loose, key)
  return out
}

function field(input: Loose): Loose {
  const nested = input.type === 'object' && input.properties && typeof input.properties === 'object'
  return {
    label: input.label,
    description: input.description,
    type: input.type,
    required: requiredOf(input),
    multiple: input.multiple ?? false,
    allowNull: input.allowNull ?? false,
    dynamic: typeof input.dynamic === 'function' ? true : (input.dynamic ?? false),
    default: orNull(input.default),
    choices: choicesOf(input.choices),
    placeholder: orNull(input.placeholder),
    properties: nested ? eachOf(input.properties, field) : null,
    category: orNull(input.category),
    depends_on: orNull(input.depends_on),
    readOnly: orNull(input.readOnly),
    hidden: orNull(input.unsafe_hidden),
    minimum: orNull(input.minimum),
    maximum: orNull(input.maximum),
    defaultObjectUI: orNull(input.defaultObjectUI),
    disabledInputMethods: orNull(input.disabledInputMethods),
    displayMode: orNull(input.displayMode),
    format: orNull(input.format),
    additionalProperties: input.additionalProperties ?? false
  }
}

function hooksOf(hooks: Loose | undefined) {
  const out: Loose = {}
  for (const [key, hook] of Object.entries(hooks ?? {})) {
    if (!HOOKS.includes(key)) continue
    out[key] = {
      label: hook.label ?? key,
      description: hook.description ?? '',
      inputFields: eachOf(hook.inputFields, field),
      outputFields: eachOf(hook.outputTypes ?? hook.outputFields, field)
    }
  }
  return Object.keys(out).length > 0 ? out : null
}

function dynamicFieldsOf(dynamicFields: unknown) {
  if (!dynamicFields || typeof dynamicFields !== 'object') return null
  const out: Record<string, string[]> = {}
  for (const [key, value] of Object.entries(dynamicFields)) {
    if (typeof value !== 'object' || value === null) continue
    const keys = Object.keys(value).filter((k) => k === '__keys__' || k === '__values__')
    if (keys.length > 0) out[key] = keys
  }
  return Object.keys(out).length > 0 ? out : null
}

function action(input: Loose, key: string) {
  const syncMode = input.syncMode && {
    default: input.syncMode.default,
    label: input.syncMode.label ?? 'Sync Mode',
    description: input.syncMode.description ?? '',
    choices: (input.syncMode.choices ?? []).map((c: Loose) => ({ value: c.value, label: c.label }))
  }
  return {
    title: input.title ?? key,
    description: input.description ?? '',
    platform: input.platform === 'web' ? 'web' : 'cloud',
    defaultSubscription: orNull(input.defaultSubscription),
    hidden: input.hidden ?? false,
    hasPerformBatch: typeof input.performBatch === 'function',
    syncMode: syncMode || null,
    hooks: hooksOf(input.hooks),
    dynamicFields: dynamicFieldsOf(input.dynamicFields),
    fields: eachOf(input.fields, field)
  }
}

/** metadata.json's text for a destination definition. */
export function metadataFor(definition: Loose): string {
  const slug = definition.slug
  if (!slug) throw new Error('metadata.json needs the definition to have a slug')
  const settings = definition.authentication?.fields ?? definition.settings
  const audience = definition.audienceConfig
  const metadata = {
    slug,
    name: definition.name,
    mode: definition.mode ?? 'cloud',
    description: definition.description,
    authentication:
      definition.authentication || (settings && Object.keys(settings).length > 0)
        ? { scheme: definition.authentication?.scheme ?? 'custom', fields: eachOf(settings, setting) }
        : null,
    audienceConfig: audience
      ? {
          mode:
            audience.mode.type === 'synced'
              ? { type: 'synced', full_audience_sync: audience.mode.full_audience_sync ?? false }
              : { type: 'realtime' },
          audienceFields: eachOf(definition.audienceFields, setting),
          supportsAudienceFunctions:
            typeof audience.createAudience === 'function' && typeof audience.getAudience === 'function'
        }
      : null,
    actions: eachOf(definition.actions, action),
    presets: (definition.presets ?? []).map((preset: Loose) => ({
      name: preset.name,
      type: preset.type,
      partnerAction: preset.partnerAction,
      subscribe: preset.subscribe,
      mapping: preset.mapping ?? {},
      eventSlug: orNull(preset.eventSlug)
    }))
  }
  return JSON.stringify(metadata, null, 2) + '\n'
}

/**
 * Writes DIR/metadata.json from DIR/index.ts (or with `check`, tells whether the file there is current), in a process
 * of its own. Returns the problem, or undefined when all is well.
 */
export function writeMetadata(dir: string, options: { check?: boolean } = {}): string | undefined {
  const result = spawnSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), __filename, dir, ...(options.check ? ['--check'] : [])],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') }
    }
  )
  if (result.status === 0) return undefined
  return (result.stderr || result.stdout || `metadata.ts exited ${result.status}`).trim()
}

function main(dir: string, check: boolean) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.join(dir, 'index.ts')) as Loose
  const text = metadataFor(loaded.destination ?? loaded.default)
  const file = path.join(dir, 'metadata.json')
  if (!check) return writeFileSync(file, text)
  if (!existsSync(file)) throw new Error(`${file} is missing: npm run export writes it`)
  const committed = readFileSync(file, 'utf8')
  if (committed === text) return
  const a = committed.split('\n')
  const b = text.split('\n')
  const line = a.findIndex((l, i) => l !== b[i])
  throw new Error(
    `${file} is not what the generator writes (first difference at line ${line + 1}: ` +
      `${JSON.stringify(a[line])} where the generator writes ${JSON.stringify(b[line])}): npm run export rewrites it`
  )
}

if (require.main === module) {
  const [dir, flag] = process.argv.slice(2)
  try {
    main(path.resolve(dir), flag === '--check')
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
