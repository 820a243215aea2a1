// The pull requests the destination reaches segmentio/action-destinations in (docs/pull-requests.md describes each).
// `npm run export -- --pr N DIR` writes the folder as it stands after PR N: src/ without what the later PRs add.
// Each PR lists what it adds to the folder as the PR before it left it, by structure wherever it can: files and
// folders, sections of a module (by the title of their banner comment), and names (a declaration, or within it a
// property, an array element or a test block: `action.syncMode` is the syncMode property of `action`, and
// `Drip.identify.warehouse rows (sync mode Delete)` that describe block within the test block `Drip.identify`). An
// action's folder brings its own tests; a test of an action an earlier PR adds goes by name with what it tests. What a later
// PR changes rather than adds is a rewrite (the exact text now, and before) or an import it moves to another module.
// The export fails when anything listed here is not found exactly once, so the table cannot quietly go stale.
//
// Adding a PR: append it here with what it adds (the PR before it then lacks all of that), list its modules in
// test/project/export-stages.test.ts, describe it in docs/pull-requests.md, and write the snapshots of every PR whose
// tests it changes (npm run check:export -- --pr N --update). CI checks every PR this table lists.

export interface Stage {
  pr: number
  title: string
  adds: {
    /** Files and folders, relative to src/ (an action's folder brings its tests and snapshots). */
    files?: string[]
    /** Sections of a module, by the title of their banner comment. */
    sections?: Record<string, string[]>
    /** Declarations, properties, array elements and test blocks, by name. */
    names?: Record<string, string[]>
  }
  /** Text this PR rewrites: file → pairs of [as it reads from this PR on, as it read before]; any run of white space matches any other. */
  rewrites?: Record<string, Array<[string, string]>>
  /** Imports this PR moves to another module: file → pairs of [module from this PR on, module before]. */
  imports?: Record<string, Array<[string, string]>>
}

const ORIGINAL_DESCRIPTION = "description: 'Send Segment analytics events and user profile details to Drip',"
const SHOPPER_DESCRIPTION =
  "description: 'Send Segment identify and track calls to Drip as people and events, and e-commerce events as orders and carts.',"

// Start Workflow and Subscribe to Email Series from PR 5 on: typed with their hook's inputs and outputs, and perform
// takes the Email Series or workflow the mapping's save kept when the payload names none.
const SAVED_SEQUENCE = (key: string, list: string) =>
  `perform: (request, data) => send(request, data, { plan: withSavedSequence(SENDING.plan, '${key}', '${list}', savedSequence(data.hookOutputs)) })`
const PLAN_ALONE = 'perform: (request, data) => send(request, data, SENDING)'
const HOOKED_ACTION =
  'const action: ActionDefinition<Settings, Payload, AudienceSettings, OnMappingSaveInputs, OnMappingSaveOutputs> = {'
const PLAIN_ACTION = 'const action: ActionDefinition<Settings, Payload> = {'

export const STAGES: Stage[] = [
  {
    pr: 1,
    title: 'Identify and Track Event, improved and upgrade-safe',
    // Everything the later PRs do not add: the definition, Identify and Track Event, and what they share.
    adds: {}
  },
  {
    pr: 2,
    title: 'Shopper Activity: orders, carts and products',
    adds: {
      files: ['orderActivity', 'cartActivity', 'productActivity', 'records/shopper-activity.ts', 'records/shapes.ts'],
      sections: {
        'fields.ts': ['Shopper Activity (orders, carts, products)'],
        'presets.ts': ["Shopper Activity: Segment's e-commerce events (E-commerce spec V2)"]
      },
      names: {
        'index.ts': ['actions.orderActivity', 'actions.cartActivity', 'actions.productActivity'],
        'fields.ts': ['eventPersonEmail'],
        'drip-api.ts': ['SHOPPER_ACTIVITY', 'shopperActivityRecords'],
        'versioning-info.ts': ['DRIP_SHOPPER_ACTIVITY_API_VERSION'],
        'records/values.ts': ['withoutUndefined', 'currencyCode'],
        'presets.ts': ['forEvents', 'presets.handledElsewhere', 'presets.orderPresets', 'presets.cartPreset']
      }
    },
    rewrites: {
      'index.ts': [[SHOPPER_DESCRIPTION, ORIGINAL_DESCRIPTION]],
      'presets.ts': [
        [
          'subscribe: `type = "track" and ${handledElsewhere.map((event) => `event != "${event}"`).join(\' and \')}`,',
          'subscribe: \'type = "track"\','
        ]
      ]
    }
  },
  {
    pr: 3,
    title: 'Lifecycle: tags, unsubscribes, deletion (onDelete), Email Series and workflows',
    adds: {
      files: [
        'updateTags',
        'unsubscribe',
        'deletePerson',
        'subscribeToCampaign',
        'startWorkflow',
        'removeFromWorkflow',
        'records/lifecycle.ts',
        'plans.ts'
      ],
      sections: {
        'fields.ts': ['Lifecycle (tags, Email Series, workflows)'],
        'drip-api.ts': [
          'Calls: actions whose requests are not records (tags, unsubscribes, deletion, Email Series, workflows)'
        ],
        'records/values.ts': ['Values that go into a URL'],
        'presets.ts': ["Lifecycle: Engage audiences, Segment's unsubscribe and deletion events"]
      },
      names: {
        'index.ts': [
          'actions.updateTags',
          'actions.unsubscribe',
          'actions.deletePerson',
          'actions.subscribeToCampaign',
          'actions.startWorkflow',
          'actions.removeFromWorkflow',
          'destination.onDelete'
        ],
        'drip-api.ts': ['UNSUBSCRIBES'],
        'batches.ts': ['sendEachAlone'],
        'records/values.ts': ['needed'],
        'records/shapes.ts': ['JoiningSubscriber'],
        'presets.ts': ['presets.lifecyclePresets']
      }
    },
    rewrites: {
      'presets.ts': [
        [
          'const handledElsewhere = [...SHOPPER_ACTIVITY_EVENTS, ...LIFECYCLE_EVENTS]',
          'const handledElsewhere = SHOPPER_ACTIVITY_EVENTS'
        ]
      ],
      'index.ts': [
        [
          "description:\n    'Send Segment identify and track calls to Drip as people and events; e-commerce events as orders and carts; ' +\n    'Engage audiences as tags; unsubscribes, deletions, Email Series and workflows.',",
          SHOPPER_DESCRIPTION
        ]
      ]
    }
  },
  {
    pr: 4,
    title: 'Warehouse sync modes (Reverse ETL)',
    adds: {
      files: ['sync-modes.ts'],
      sections: {
        'records/lifecycle.ts': ['Warehouse rows (Reverse ETL): what a row that left the model undoes']
      },
      names: {
        'identify/index.ts': ['action.syncMode', 'fields.deleted_row', 'SENDING.removal'],
        'trackEvent/index.ts': ['action.syncMode'],
        'orderActivity/index.ts': ['action.syncMode'],
        'updateTags/index.ts': ['action.syncMode', 'SENDING.removal'],
        'identify/__tests__/index.test.ts': ['Drip.identify.warehouse rows (sync mode Delete)'],
        'updateTags/__tests__/index.test.ts': [
          'Drip.updateTags.takes the tag off the people whose row left the model (warehouse sync mode Mirror)',
          'Drip.updateTags.in a batch, adds the tag for rows entering the model and takes it off for rows leaving it (Mirror)'
        ]
      }
    },
    imports: {
      'identify/index.ts': [['../sync-modes', '../sending']],
      'trackEvent/index.ts': [['../sync-modes', '../sending']],
      'orderActivity/index.ts': [['../sync-modes', '../sending']],
      'updateTags/index.ts': [['../sync-modes', '../plans']]
    }
  },
  {
    pr: 5,
    title: 'Engage: audiences, journeys and consent as Drip tags and consent; mapping-save hooks; product catalog sync',
    adds: {
      files: ['syncAudience', 'audiences.ts', 'hooks.ts', 'records/audience.ts', 'records/consent.ts'],
      sections: {
        'drip-api.ts': [
          'What mapping saves and audience connections read: tags, one Email Series or workflow, its activation'
        ],
        'presets.ts': ['Engage: Journeys and Linked Audiences (specificEvent), and Consent Management']
      },
      names: {
        'index.ts': ['actions.syncAudience', 'destination.audienceFields', 'destination.audienceConfig'],
        'presets.ts': ['presets.consentPreset', 'presets.audiencePresets'],
        'identify/index.ts': [
          'fields.audience_key',
          'fields.consent_preferences',
          'fields.consent_category',
          'fields.consent_message_template',
          'fields.unsubscribe_on_denied'
        ],
        'startWorkflow/index.ts': ['action.hooks'],
        'subscribeToCampaign/index.ts': ['action.hooks'],
        'unsubscribe/index.ts': ['action.fields.batch_keys'],
        'productActivity/index.ts': ['action.syncMode', 'SENDING.removal'],
        '__tests__/index.test.ts': ['Engage: audiences and consent'],
        'identify/__tests__/index.test.ts': ['Drip.identify.Engage: consent and audiences synced as tags'],
        'startWorkflow/__tests__/index.test.ts': [
          'Drip.startWorkflow.onMappingSave: the workflow is read when the mapping is saved'
        ],
        'subscribeToCampaign/__tests__/index.test.ts': [
          'Drip.subscribeToCampaign.onMappingSave: the Email Series is read when the mapping is saved'
        ],
        'productActivity/__tests__/index.test.ts': ['Drip.productActivity.warehouse rows (sync modes)']
      }
    },
    rewrites: {
      'index.ts': [
        [
          "import type { AudienceDestinationDefinition } from '@segment/actions-core'",
          "import type { DestinationDefinition } from '@segment/actions-core'"
        ],
        [
          'const destination: AudienceDestinationDefinition<Settings, AudienceSettings> = {',
          'const destination: DestinationDefinition<Settings> = {'
        ]
      ],
      'identify/index.ts': [
        [
          "import { engagedSubscriber } from '../records/consent'",
          "import { buildSubscriber } from '../records/subscriber'"
        ],
        [
          'const build = (payload: Payload) => engagedSubscriber(payload, STANDARD_TRAITS)',
          'const build = (payload: Payload) => buildSubscriber(payload, STANDARD_TRAITS)'
        ]
      ],
      'startWorkflow/index.ts': [
        [HOOKED_ACTION, PLAIN_ACTION],
        [SAVED_SEQUENCE('workflow_id', 'workflows'), PLAN_ALONE]
      ],
      'subscribeToCampaign/index.ts': [
        [HOOKED_ACTION, PLAIN_ACTION],
        [SAVED_SEQUENCE('campaign_id', 'campaigns'), PLAN_ALONE]
      ]
    },
    imports: {
      'productActivity/index.ts': [['../sync-modes', '../sending']]
    }
  }
]

export const FINAL = STAGES[STAGES.length - 1].pr

export function stage(pr: number): Stage {
  const found = STAGES.find((s) => s.pr === pr)
  if (!found) throw new Error(`There is no PR ${pr}: the series is ${STAGES.map((s) => s.pr).join(', ')}.`)
  return found
}
