import type { DestinationDefinition, JSONObject, Subscription } from '@segment/actions-core'

/** A Segment subscription: which events (FQL) go to which action, with what mapping. */
export type DripSubscription = Pick<Subscription, 'name' | 'partnerAction' | 'subscribe'> & { mapping: JSONObject }

/** The destination's presets as subscriptions, the way Segment sets them up when an admin keeps the defaults. */
export function presetSubscriptions<S>(
  definition: DestinationDefinition<S>,
  mappingOverrides: Record<string, JSONObject> = {}
): DripSubscription[] {
  return (definition.presets ?? []).flatMap((preset) =>
    preset.type === 'automatic'
      ? [
          {
            name: preset.name,
            partnerAction: preset.partnerAction,
            subscribe: preset.subscribe,
            mapping: { ...(preset.mapping ?? {}), ...(mappingOverrides[preset.partnerAction] ?? {}) }
          }
        ]
      : []
  )
}
