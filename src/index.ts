import { InvalidAuthenticationError } from '@segment/actions-core'
import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { DRIP_API_BASE_URL, DRIP_REQUEST_TIMEOUT_MS, SMALL_BATCH, USER_AGENT } from './constants'
import { accountIdsOfKey, authorizationHeader, sending, type DripTarget } from './drip-api'
import { deletionPlan } from './records/lifecycle'
import identify from './identify'
import trackEvent from './trackEvent'
import orderActivity from './orderActivity'
import cartActivity from './cartActivity'
import productActivity from './productActivity'
import updateTags from './updateTags'
import unsubscribe from './unsubscribe'
import deletePerson from './deletePerson'
import subscribeToCampaign from './subscribeToCampaign'
import startWorkflow from './startWorkflow'
import removeFromWorkflow from './removeFromWorkflow'
import { presets } from './presets'

/**
 * The Drip (Actions) destination, sending to `apiBaseUrl`. Segment's runtime loads the default export, built against
 * Drip's API; local tooling builds its own against a simulator (tests with a shorter request timeout, or `smallBatch`
 * 1 to send every batch to the batch endpoint).
 */
export function createDefinition(
  apiBaseUrl: string = DRIP_API_BASE_URL,
  options: { requestTimeoutMs?: number; smallBatch?: number } = {}
): DestinationDefinition<Settings> {
  const target: DripTarget = {
    baseUrl: apiBaseUrl,
    timeoutMs: options.requestTimeoutMs ?? DRIP_REQUEST_TIMEOUT_MS,
    smallBatch: options.smallBatch ?? SMALL_BATCH
  }
  const deletion = sending(target, { plan: deletionPlan })
  const actions = {
    trackEvent: trackEvent(target),
    identify: identify(target),
    orderActivity: orderActivity(target),
    cartActivity: cartActivity(target),
    productActivity: productActivity(target),
    updateTags: updateTags(target),
    unsubscribe: unsubscribe(target),
    deletePerson: deletePerson(target),
    subscribeToCampaign: subscribeToCampaign(target),
    startWorkflow: startWorkflow(target),
    removeFromWorkflow: removeFromWorkflow(target)
  }
  return {
    name: 'Drip (Actions)',
    slug: 'actions-drip',
    mode: 'cloud',
    description:
      'Send Segment identify and track calls to Drip as people and events; e-commerce events as orders and carts; ' +
      'Engage audiences as tags; unsubscribes, deletions, Email Series and workflows.',
    authentication: {
      scheme: 'custom',
      fields: {
        accountId: {
          label: 'Account ID',
          description: 'Account ID for your Drip account. You can find this in your Drip account settings.',
          type: 'string',
          required: true
        },
        apiKey: {
          label: 'API Key',
          description: 'API key for your Drip account. You can find this in your Drip account settings.',
          type: 'password',
          required: true
        }
      },
      testAuthentication: async (request, { settings }) => {
        const { account, accounts } = await accountIdsOfKey(request, target, settings)
        if (!accounts.includes(account)) {
          throw new InvalidAuthenticationError(
            `Drip accepted the API key, but its user cannot use account ${account}. Check the Account ID setting.`
          )
        }
        return true
      }
    },
    // Segment's deletion requests (user deletion and suppression) carry only a userId and an anonymousId; the
    // deletion then runs the Delete Person action's path.
    onDelete: (request, { settings, payload }) => deletion.perform(request, { settings, payload }),
    extendRequest: ({ settings }) => ({
      headers: {
        Authorization: authorizationHeader(settings.apiKey),
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT
      }
    }),
    presets: presets(actions),
    actions
  }
}

const destination = createDefinition()

export default destination
