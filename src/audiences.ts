import { PayloadValidationError } from '@segment/actions-core'
import type { AudienceDestinationDefinition } from '@segment/actions-core'
import type { AudienceSettings, Settings } from './generated-types'
import { checkedSettings } from './credentials'
import { accountTags } from './drip-api'
import { audienceTag } from './records/audience'
import { text } from './records/values'

// Drip as an audience destination: an audience connected to Drip is kept as a Drip tag (Drip's segments, workflow
// triggers and exits key on tags). The tag is the audience's key, or the name the admin sets in Drip Tag; Drip creates
// a tag when it is first applied, so connecting makes none, and checks only that the account can be reached.

type Definition = AudienceDestinationDefinition<Settings, AudienceSettings>

const SETTING = 'Drip Tag'
const FIX = `Set ${SETTING} in the audience's settings for Drip to the tag that should stand for this audience.`

export const audienceFields: Definition['audienceFields'] = {
  tag: {
    label: SETTING,
    description:
      "The Drip tag that stands for this audience: people entering it get the tag, people leaving lose it. Empty: the audience's key (e.g. vip_customers).",
    type: 'string',
    required: false
  }
}

/** The tag, checked; a refusal names the setting to fix (or says the audience's key is the one at fault). */
function checkedTag(value: string | undefined, fromSetting: boolean): string {
  const label = fromSetting ? `${SETTING} (audience setting)` : `The audience's tag (${SETTING} is empty)`
  const checked = audienceTag(value, label)
  if ('error' in checked) throw new PayloadValidationError(`${checked.error} ${FIX}`)
  return checked.tag
}

export const audienceConfig: Definition['audienceConfig'] = {
  mode: { type: 'synced', full_audience_sync: false },
  async createAudience(request, { settings, audienceSettings, personas, audienceName }) {
    const checked = checkedSettings(settings)
    const setting = text(audienceSettings?.tag)
    const tag = checkedTag(setting ?? text(personas?.computation_key) ?? audienceName, setting !== undefined)
    // The key and account, proved before any person is tagged: a mistake shows when the audience is connected.
    await accountTags(request, checked)
    return { externalId: tag }
  },
  async getAudience(request, { settings, audienceSettings, externalId }) {
    const checked = checkedSettings(settings)
    const setting = text(audienceSettings?.tag)
    const tag = checkedTag(setting ?? externalId, setting !== undefined)
    await accountTags(request, checked)
    return { externalId: tag }
  }
}
