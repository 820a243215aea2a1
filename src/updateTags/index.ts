import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { restRecords } from '../drip-api'
import { send, sendBatch } from '../sync-modes'
import type { Sending } from '../sync-modes'
import { batch_size, enable_batching, eventPersonEmail, tagsToAdd, tagsToRemove } from '../fields'
import { pickFrom } from '../pickers'
import { removedTagsPayload, tagsPlan, tagsRecord } from '../records/lifecycle'

const SUBSCRIBERS = restRecords('subscribers')

const tagPicker = (request: RequestClient, { settings, page }: { settings: Settings; page?: string }) =>
  pickFrom(request, settings, { path: 'tags', key: 'tags', page })

// Alone, a person's two changes are two calls; a batch carries both per person in one subscribers/batches request.
const SENDING: Sending<Payload> = {
  records: SUBSCRIBERS,
  build: tagsRecord,
  plan: tagsPlan,
  removal: { asPayload: removedTagsPayload }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Add or Remove Tags',
  description:
    'Apply tags to a person and take others off: Engage audiences become Drip tags as people enter and exit them.',
  defaultSubscription: 'type = "track" and event = "Audience Entered"',
  fields: {
    email: eventPersonEmail,
    tags: tagsToAdd,
    remove_tags: tagsToRemove,
    batch_size,
    enable_batching
  },
  // actions-core's types allow no picker on a list of strings, but its runtime serves one: both lists pick from tags.
  dynamicFields: {
    tags: tagPicker,
    remove_tags: tagPicker
  } as unknown as ActionDefinition<Settings, Payload>['dynamicFields'],
  syncMode: {
    label: 'How rows sync',
    description:
      'For warehouse sources (Reverse ETL): Tags to Add names the tag that stands for the model (e.g. trial-step-3). ' +
      'Add: a row entering the model adds the tag. Delete: a row leaving it removes the tag. Mirror: both, so Drip ' +
      'holds the tag on exactly the people in the model. Tags are added and removed, never updated, so there is no ' +
      'update or upsert.',
    default: 'add',
    choices: [
      { label: 'Add the tag to rows entering the model', value: 'add' },
      { label: 'Remove the tag from rows leaving the model', value: 'delete' },
      { label: 'Mirror the model: add on entry, remove on exit', value: 'mirror' }
    ]
  },
  perform: (request, data) => send(request, data, SENDING),
  performBatch: (request, data) => sendBatch(request, data, SENDING)
}

export default action
