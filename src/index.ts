import { InvalidAuthenticationError } from '@segment/actions-core'
import type { AudienceDestinationDefinition } from '@segment/actions-core'
import type { AudienceSettings, Settings } from './generated-types'
import { USER_AGENT } from './constants'
import { authorizationHeader } from './credentials'
import { accountIdsOfKey } from './drip-api'
import { send } from './plans'
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
import syncAudience from './syncAudience'
import { presets } from './presets'
import { audienceConfig, audienceFields } from './audiences'

const actions = {
  trackEvent,
  identify,
  orderActivity,
  cartActivity,
  productActivity,
  updateTags,
  unsubscribe,
  deletePerson,
  subscribeToCampaign,
  startWorkflow,
  removeFromWorkflow,
  syncAudience
}

const destination: AudienceDestinationDefinition<Settings, AudienceSettings> = {
  name: 'Drip (Actions)',
  slug: 'actions-drip',
  mode: 'cloud',
  description:
    'Send Segment identify and track calls to Drip as people and events; e-commerce events as orders and carts; ' +
    'Engage audiences as tags; unsubscribes, deletions, Email Series and workflows.',
  // An audience connected to Drip becomes a Drip tag (see audiences.ts and the Sync Audience action).
  audienceFields,
  audienceConfig,
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
      const { account, accounts } = await accountIdsOfKey(request, settings)
      if (!accounts.includes(account)) {
        throw new InvalidAuthenticationError(
          `Drip accepted the API key, but its user cannot use account ${account}. Check the Account ID setting.`
        )
      }
      return true
    }
  },
  // Segment's deletion requests (user deletion and suppression) carry only a userId and an anonymousId; the deletion
  // then runs the Delete Person action's path.
  onDelete: (request, { settings, payload }) => send(request, { settings, payload }, { plan: deletionPlan }),
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

export default destination
