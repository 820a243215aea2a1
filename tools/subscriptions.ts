import type { DestinationDefinition, JSONObject, Subscription } from '@segment/actions-core'

/** A Segment subscription: which events (FQL) go to which action, with what mapping. */
export type DripSubscription = Pick<Subscription, 'name' | 'partnerAction' | 'subscribe'> & { mapping: JSONObject }

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
