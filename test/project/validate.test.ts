import { readFileSync } from 'fs'
import { parseFql } from '@segment/destination-subscriptions'
import type { ErrorCondition } from '@segment/destination-subscriptions'
import type { AudienceDestinationDefinition, InputField } from '@segment/actions-core'
import definition from '../../src'

// action-destinations' CI runs `yarn validate` (packages/cli/src/commands/validate.ts) on every destination: presets
// name actions and fields that exist and, when automatic, a trigger that parses; actions have a description, a
// default trigger that parses and a description on every field; a batch_keys field names at most 3 known fields,
// never itself; settings' defaults are of their type. The same rules here, on our definition, and the audience
// settings held to the settings' rule too; specificEvent presets name an event slug actions-core knows.

const fqlError = (fql: string) => (parseFql(fql) as ErrorCondition).error?.message ?? null
const actions = definition.actions as Record<
  string,
  { description: string; defaultSubscription?: string; fields: Record<string, InputField> }
>

/** The event slugs actions-core 3.170.0 declares (EventEmitterSlug), read from its own type declaration. */
function eventSlugs(): string[] {
  const declaration = readFileSync(
    require.resolve('@segment/actions-core').replace(/index\.js$/, 'destination-kit/event-emitter-types.d.ts'),
    'utf8'
  )
  return [...declaration.matchAll(/'([a-z_]+)'/g)].map((match) => match[1])
}

describe("validate (the rules of action-destinations' CLI)", () => {
  it('presets: each names an existing action and only its fields; automatic ones have a trigger that parses', () => {
    const problems: string[] = []
    for (const preset of definition.presets ?? []) {
      const action = actions[preset.partnerAction]
      if (!action) {
        problems.push(`${preset.name}: no action ${preset.partnerAction}`)
        continue
      }
      if (preset.type === 'automatic' && fqlError(preset.subscribe))
        problems.push(`${preset.name}: ${fqlError(preset.subscribe)}`)
      for (const field of Object.keys(preset.mapping ?? {})) {
        if (!(field in action.fields)) problems.push(`${preset.name}: ${field} is no field of ${preset.partnerAction}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('specificEvent presets name event slugs actions-core knows, each wired to Sync Audience', () => {
    const slugs = eventSlugs()
    expect(slugs).toContain('journeys_step_entered_track')
    const specific = (definition.presets ?? []).flatMap((p) => (p.type === 'specificEvent' ? [p] : []))
    expect(specific.length).toBe(4)
    for (const preset of specific) {
      expect(slugs).toContain(preset.eventSlug)
      expect(preset.partnerAction).toBe('syncAudience')
    }
  })

  it('actions: a description, a default trigger that parses, a description on every field', () => {
    const problems: string[] = []
    expect(Object.keys(actions).length).toBeGreaterThan(0)
    for (const [key, action] of Object.entries(actions)) {
      if (!action.description) problems.push(`${key}: no description`)
      if (action.defaultSubscription && fqlError(action.defaultSubscription)) {
        problems.push(`${key}: defaultSubscription ${fqlError(action.defaultSubscription)}`)
      }
      for (const [fieldKey, field] of Object.entries(action.fields)) {
        if (!field.description) problems.push(`${key}.${fieldKey}: no description`)
      }
    }
    expect(problems).toEqual([])
  })

  it('batch_keys: at most 3 keys, every one a field of the action, never batch_keys itself', () => {
    const withKeys = Object.entries(actions).filter(([, action]) => 'batch_keys' in action.fields)
    expect(withKeys.map(([key]) => key)).toEqual(['unsubscribe'])
    for (const [, action] of withKeys) {
      const keys = action.fields.batch_keys.default as string[]
      expect(keys.length).toBeLessThanOrEqual(3)
      expect(keys.filter((key) => !(key in action.fields))).toEqual([])
      expect(keys).not.toContain('batch_keys')
    }
    expect(actions.unsubscribe.fields.batch_keys.default).toEqual(['unsubscribe_from', 'campaign_id'])
  })

  it('settings and audience settings: a boolean or number default is of its type; every one is described', () => {
    const audience = definition as unknown as AudienceDestinationDefinition
    const all = { ...(definition.authentication?.fields ?? {}), ...audience.audienceFields }
    expect(Object.keys(audience.audienceFields)).toEqual(['tag'])
    expect(audience.audienceConfig.mode).toEqual({ type: 'synced', full_audience_sync: false })
    for (const field of Object.values(all)) {
      expect(field.description).toBeTruthy()
      if ((field.type === 'boolean' || field.type === 'number') && field.default !== undefined) {
        expect(typeof field.default).toBe(field.type)
      }
    }
  })
})
