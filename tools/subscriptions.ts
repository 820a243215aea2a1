import { readFileSync } from 'fs'
import { defaultValues } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, Subscription } from '@segment/actions-core'
import { parseFql } from '@segment/destination-subscriptions'

// Segment's subscriptions as the tooling builds them: the presets, mapping files, and the one rule for mappings that
// the runner and serve share.

/** A Segment subscription: which events (FQL) go to which action, with what mapping. */
export type DripSubscription = Pick<Subscription, 'name' | 'partnerAction' | 'subscribe'> & { mapping: JSONObject }

/** A mistake in what the user gave (a flag, a file): the command answers it with exit code 2. */
export class UsageError extends Error {}

export interface PresetOptions {
  /** Mapping fields to change, per action slug (e.g. `{ identify: { enable_batching: true } }`). */
  mapping?: Record<string, JSONObject>
  /** Only the preset of this action. */
  only?: string
}

/** The destination's presets as subscriptions, the way Segment sets them up when an admin keeps the defaults. */
export function presetSubscriptions<S>(
  definition: DestinationDefinition<S>,
  { mapping = {}, only }: PresetOptions = {}
): DripSubscription[] {
  return (definition.presets ?? []).flatMap((preset) =>
    preset.type === 'automatic' && (!only || preset.partnerAction === only)
      ? [
          {
            name: preset.name,
            partnerAction: preset.partnerAction,
            subscribe: preset.subscribe,
            mapping: { ...(preset.mapping ?? {}), ...(mapping[preset.partnerAction] ?? {}) }
          }
        ]
      : []
  )
}

/**
 * A mapping as Segment's mapping editor makes it: the action's defaults, with the fields the mapping lists over them.
 * A field mapped to null is left out. The runner and serve (as action-destinations' local server does) both use it.
 */
export function withDefaults<S>(definition: DestinationDefinition<S>, action: string, mapping: JSONObject): JSONObject {
  return { ...defaultValues(definition.actions[action].fields), ...mapping }
}

/**
 * Why a mapping cannot be what the admin meant, or undefined: not an object, or a key that is no field of the action
 * (a typo, or a label used as a key, which the runtime would drop without a word).
 */
export function mappingProblem<S>(
  definition: DestinationDefinition<S>,
  action: string,
  mapping: unknown
): string | undefined {
  if (mapping === undefined) return undefined
  if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping)) {
    return `"mapping" must be an object of field keys and values, not ${JSON.stringify(mapping)}`
  }
  const { fields, hooks = {} } = definition.actions[action]
  // Segment's own keys (the sync mode of a warehouse mapping) ride along in a mapping too, and so does what the
  // action's hooks saved when the mapping was saved (`onMappingSave: {outputs: ...}`).
  const unknown = Object.keys(mapping).filter(
    (key) =>
      !Object.prototype.hasOwnProperty.call(fields, key) &&
      !key.startsWith('__segment_internal_') &&
      !Object.prototype.hasOwnProperty.call(hooks, key)
  )
  if (unknown.length === 0) return undefined
  const known = Object.entries(fields)
    .map(([key, field]) => `${key} (${field.label})`)
    .join(', ')
  const named = unknown.map((key) => `"${key}"`).join(', ')
  return `${named} ${unknown.length === 1 ? 'is no field' : 'are no fields'} of ${action}; its fields are ${known}`
}

/** The event paths a field's default reads, in the order it tries them (`traits.email`, `properties.email`, ...). */
function pathsReadBy(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'object' && value) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '@path' && typeof inner === 'string') {
        const path = inner.replace(/^\$\./, '')
        if (!into.includes(path)) into.push(path)
      } else pathsReadBy(inner, into)
    }
  }
  return into
}

/**
 * The runtime's refusal of an empty required field ("The root value is missing the required field 'email'."), in
 * the admin's words: the field's label and where its default looked. Any other message is returned as it is.
 */
export function inAdminWords<S>(definition: DestinationDefinition<S>, action: string, message: string): string {
  const key = /^The root value is missing the required field '([^']+)'\.$/.exec(message)?.[1]
  const field = key ? definition.actions[action]?.fields[key] : undefined
  if (!key || !field) return message
  const paths = pathsReadBy(field.default)
  const looked = paths.length > 0 ? `; its default looks in ${paths.join(', then ')}` : ''
  return `${field.label} (${key}) is empty${looked}: map ${field.label} to where your events carry it.`
}

const EVENT_TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias'])

/**
 * Why an FQL trigger is not valid, or undefined. Segment's parser accepts some mistakes without an error
 * (`type = ` reads as type "eos", `type == "track"` as type "=", a trailing `and` is dropped): those are caught here.
 */
export function fqlProblem(subscribe: string): string | undefined {
  const fql = parseFql(subscribe)
  if ('error' in fql) return 'not valid FQL'
  if (/\b(and|or|not)\s*$/i.test(subscribe.trim()) || /(=|!=|<|>)\s*$/.test(subscribe.trim())) {
    return 'it ends with an operator'
  }
  const types: string[] = []
  const visit = (node: { type?: string; value?: unknown; children?: unknown[] }) => {
    if (node.type === 'event-type') types.push(String(node.value))
    node.children?.forEach((child) => visit(child as typeof node))
  }
  visit(fql as never)
  const unknown = types.find((type) => !EVENT_TYPES.has(type))
  if (unknown !== undefined) {
    return `"${unknown}" is not an event type (${[...EVENT_TYPES].join(', ')}); write type = "track"`
  }
  return undefined
}

/**
 * Subscriptions from a JSON file: each entry is either `{"preset": "<preset name>"}` (the destination's preset as
 * Segment sets it up, with `"mapping"` changing some of its fields if given) or `{"partnerAction", "subscribe",
 * "mapping"}`, whose mapping lists the fields it changes from the action's defaults (see withDefaults). A mapping key
 * that is no field of the action is an error naming it.
 */
export function readMapping<S>(definition: DestinationDefinition<S>, file: string): DripSubscription[] {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const err = error as NodeJS.ErrnoException
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a directory, not a file' : err.message
    throw new UsageError(`--mapping ${file}: ${why}`)
  }
  if (!Array.isArray(value)) throw new UsageError(`--mapping ${file}: expected a JSON array of subscriptions`)
  const presets = presetSubscriptions(definition)
  return value.map((entry: Partial<DripSubscription> & { preset?: string }, i) => {
    const where = `--mapping ${file}: entry ${i + 1}`
    if (entry.preset !== undefined) {
      const preset = presets.find((p) => p.name === entry.preset)
      if (!preset) {
        throw new UsageError(`${where} names no preset "${entry.preset}" (${presets.map((p) => p.name).join(', ')})`)
      }
      const problem = mappingProblem(definition, preset.partnerAction, entry.mapping)
      if (problem) throw new UsageError(`${where}: ${problem}`)
      return { ...preset, mapping: { ...preset.mapping, ...((entry.mapping as JSONObject) ?? {}) } }
    }
    if (!entry.partnerAction || !definition.actions[entry.partnerAction]) {
      throw new UsageError(`${where} names no known action (${Object.keys(definition.actions).join(', ')})`)
    }
    const problem = mappingProblem(definition, entry.partnerAction, entry.mapping)
    if (problem) throw new UsageError(`${where}: ${problem}`)
    if (typeof entry.subscribe !== 'string') throw new UsageError(`${where} has no "subscribe" FQL`)
    const invalid = fqlProblem(entry.subscribe)
    if (invalid) throw new UsageError(`${where}: "${entry.subscribe}" is not a valid trigger: ${invalid}`)
    return {
      name: entry.name,
      partnerAction: entry.partnerAction,
      subscribe: entry.subscribe,
      mapping: withDefaults(definition, entry.partnerAction, (entry.mapping as JSONObject) ?? {})
    }
  })
}
