import type { RequestClient } from '@segment/actions-core'
import type { ActionHookDefinition, ActionHookResponse } from '@segment/actions-core/destination-kit'
import type { AudienceSettings, Settings } from './generated-types'
import { checkedSettings } from './credentials'
import { accountTags, activateSequence, sequence } from './drip-api'
import type { Sequence } from './drip-api'
import type { DripActionError } from './errors'
import type { Planner } from './plans'
import { pickFrom } from './pickers'
import { audienceTag } from './records/audience'
import { pathSegment, text } from './records/values'

// Hooks that run when an admin saves a mapping, so a mapping that would do nothing is caught then, not when nobody
// gets the emails. Drip answers success to a person started on a workflow (or an Email Series) that is not active and
// then does nothing: the save reads the chosen one, refuses one the account does not have, warns about one that is
// not active (or activates it, if the admin ticks that), and keeps its id, name and status for perform.

/** A hook of an action whose payload is P, with its inputs I and the outputs O it saves (the action's generated types). */
type Hook<P, I, O> = ActionHookDefinition<Settings, P, AudienceSettings, I, O>

/** What the Email Series and workflow hooks take and keep (their generated OnMappingSaveInputs and Outputs). */
export interface SequenceInputs {
  id: string
  activate?: boolean
}
export type SequenceOutputs = Sequence

/** What the warehouse model's tag hook takes and keeps (its generated RetlOnMappingSaveInputs and Outputs). */
export interface ModelTag {
  tag: string
}

/** What each list is called in the admin's words, and what joining it means. */
const LISTS = {
  workflows: { what: 'Workflow', joins: 'start it' },
  campaigns: { what: 'Email Series', joins: 'are subscribed to it' }
} as const

type List = keyof typeof LISTS

/** A hook's refusal, in the shape the mapping editor shows: the message, and a code. */
function refusal<O>(message: string, code: string): ActionHookResponse<O> {
  return { error: { message, code } }
}

const named = (saved: Sequence) => `"${saved.name ?? saved.id}" (${saved.id})`

/** The onMappingSave hook of Start Workflow (`workflows`) and Subscribe to Email Series (`campaigns`). */
export function sequenceHook<P>(list: List): Hook<P, SequenceInputs, SequenceOutputs> {
  const { what, joins } = LISTS[list]
  return {
    label: `Check the ${what}`,
    description:
      `When this mapping is saved, Drip is asked for the ${what}: one the account does not have is refused, and one ` +
      'that is not active is reported (Drip would take people for it and do nothing), or activated if you tick that.',
    inputFields: {
      id: {
        label: what,
        description: `The ${what} this mapping sends people to.`,
        type: 'string',
        required: true,
        dynamic: (request: RequestClient, { settings, page }: { settings: Settings; page?: string }) =>
          pickFrom(request, settings, { path: list, key: list, status: 'all', page })
      },
      activate: {
        label: 'Activate It If It Is Not Active',
        description: `Activate the ${what} in Drip when it is a draft or paused, so that people this mapping sends ${joins}.`,
        type: 'boolean',
        required: false,
        default: false
      }
    },
    outputTypes: {
      id: { label: `${what} ID`, description: `The ${what}'s id in Drip.`, type: 'string', required: true },
      name: { label: `${what} Name`, description: `The ${what}'s name in Drip.`, type: 'string', required: false },
      status: {
        label: `${what} Status`,
        description: `The ${what}'s status when the mapping was saved (active, draft or paused).`,
        type: 'string',
        required: false
      }
    },
    performHook: async (request, { settings, hookInputs }) => {
      try {
        const checked = checkedSettings(settings)
        const id = text(hookInputs?.id)
        if (!id) return refusal(`${what}: empty. Pick the ${what} this mapping sends people to.`, 'MISSING_ID')
        const segment = pathSegment(id, what)
        if ('error' in segment) return refusal(segment.error, 'INVALID_ID')
        let found: Sequence
        try {
          found = await sequence(request, checked, list, segment.segment)
        } catch (error) {
          if ((error as DripActionError).status !== 404) throw error
          return refusal(
            `${what} ${id}: Drip account ${checked.account} has none by that id, so this mapping would send ` +
              `people nowhere. Pick one from the ${what} list.`,
            'NOT_FOUND'
          )
        }
        const saved = { id: found.id, name: found.name ?? found.id, status: found.status ?? 'unknown' }
        if (saved.status === 'active') {
          return {
            successMessage: `${what} ${named(saved)} is active: people this mapping sends ${joins}.`,
            savedData: saved
          }
        }
        if (hookInputs?.activate === true) {
          await activateSequence(request, checked, list, segment.segment)
          const was = `${what} ${named(saved)} was ${saved.status}`
          return {
            successMessage: `${was}; it is now active, so people this mapping sends ${joins}.`,
            savedData: { ...saved, status: 'active' }
          }
        }
        return {
          successMessage:
            `Warning: ${what} ${named(saved)} is ${saved.status}, not active. Drip takes people for it and does ` +
            `nothing with them, so nobody this mapping sends gets its emails until it is active. Activate it in ` +
            'Drip, or save again with "Activate It If It Is Not Active" ticked.',
          savedData: saved
        }
      } catch (error) {
        const err = error as DripActionError & { code?: string }
        return refusal(err.message, err.code ?? 'DRIP_ERROR')
      }
    }
  }
}

/** What the mapping's save kept of its Email Series or workflow (`hookOutputs.onMappingSave.outputs`). */
export function savedSequence(hookOutputs: unknown): Sequence | undefined {
  const outputs = (hookOutputs as { onMappingSave?: { outputs?: Record<string, unknown> } } | undefined)?.onMappingSave
    ?.outputs
  const id = text(outputs?.id as string | undefined)
  if (!id) return undefined
  return { id, name: text(outputs?.name as string | undefined), status: text(outputs?.status as string | undefined) }
}

/**
 * A planner that takes the saved Email Series or workflow when the payload names none, and notes when the one it
 * sends to was not active when the mapping was saved (its name said, as the admin knows it).
 */
export function withSavedSequence<P extends { [key in K]?: string }, K extends 'workflow_id' | 'campaign_id'>(
  plan: Planner<P>,
  key: K,
  list: List,
  saved: Sequence | undefined
): Planner<P> {
  return (payload) => {
    const given = text(payload[key])
    const planned = plan(given || !saved ? payload : { ...payload, [key]: saved.id })
    const sendsToSaved = saved !== undefined && (!given || given === saved.id)
    if ('error' in planned || !sendsToSaved || !saved.status || saved.status === 'active') return planned
    const note =
      `${LISTS[list].what} ${named(saved)} was ${saved.status} when this mapping was saved: Drip does nothing with ` +
      'people for it until it is active.'
    return { ...planned, notes: [...(planned.notes ?? []), note] }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Warehouse models (Reverse ETL): the tag that stands for the model
// ---------------------------------------------------------------------------------------------------------------

/** Sync Audience's retlOnMappingSave: picks a tag the account has, or takes a new one, for the model. */
export function modelTagHook<P>(): Hook<P, ModelTag, ModelTag> {
  return {
    label: 'Pick or create the tag for this model',
    description:
      'When this mapping is saved, the tag that stands for the model is chosen: one the account has, or a new one, ' +
      'which Drip creates when the first row applies it.',
    inputFields: {
      tag: {
        label: 'Tag',
        description:
          "The Drip tag that stands for this model: pick one of the account's tags or type a new one. Rows entering the " +
          'model add it, and rows leaving it remove it.',
        type: 'string',
        required: true,
        dynamic: (request: RequestClient, { settings, page }: { settings: Settings; page?: string }) =>
          pickFrom(request, settings, { path: 'tags', key: 'tags', page })
      }
    },
    outputTypes: {
      tag: { label: 'Tag', description: 'The Drip tag that stands for the model.', type: 'string', required: true }
    },
    performHook: async (request, { settings, hookInputs }) => {
      try {
        const checked = checkedSettings(settings)
        const chosen = audienceTag(hookInputs?.tag, 'Tag')
        if ('error' in chosen) return refusal(chosen.error, 'INVALID_TAG')
        const known = (await accountTags(request, checked)).includes(chosen.tag)
        return {
          successMessage: known
            ? `Rows of this model get the tag "${chosen.tag}", which the account already has.`
            : `Rows of this model get the tag "${chosen.tag}", new to this account: Drip creates it when the first row applies it.`,
          savedData: { tag: chosen.tag }
        }
      } catch (error) {
        const err = error as DripActionError & { code?: string }
        return refusal(err.message, err.code ?? 'DRIP_ERROR')
      }
    }
  }
}

/** The tag the mapping's save chose for a warehouse model (`hookOutputs.retlOnMappingSave.outputs.tag`). */
export function savedTag(hookOutputs: unknown): string | undefined {
  const outputs = (hookOutputs as { retlOnMappingSave?: { outputs?: Record<string, unknown> } } | undefined)
    ?.retlOnMappingSave?.outputs
  return text(outputs?.tag as string | undefined)
}
