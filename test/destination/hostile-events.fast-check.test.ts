import fc from 'fast-check'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import path from 'path'
import definition from '../../src'
import { readMapping } from '../../tools/subscriptions'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { contractProblems } from '../contract'
import { ENCODED_DEMO_KEY, useSimulator } from '../simulated'

// Generated hostile input: Segment events of every call type with missing, null, empty, huge, unicode, deeply nested,
// wrong-typed and numbers-as-strings values, through Destination.onEvent and onBatch, to the simulator over loopback.
// Replay a failure with FC_SEED=<seed printed in the failure> (and FC_PATH=<path>).

const RUNS = Number(process.env.FC_RUNS ?? 1000)
// Batches average ten events, so a fifth as many batches still makes over RUNS events.
const BATCH_RUNS = Math.ceil(RUNS / 5)
const replay = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}
const SECRETS = [DEMO_API_TOKEN, ENCODED_DEMO_KEY.trim()]
const ERROR_NAMES = new Set([
  'IntegrationError',
  'InvalidAuthenticationError',
  'RetryableError',
  'PayloadValidationError',
  'AggregateAjvError',
  'ValidationError'
])

const drip = useSimulator({ limits: { single: Infinity, batch: Infinity }, keepEvents: 100 })
// The presets plus the documented page, group and alias mappings: every action and call type.
const subscriptions = readMapping(definition, path.join(__dirname, '..', '..', 'examples', 'subscriptions.json'))

// ------------------------------------------------------------------------------------------------ arbitraries

const hostile = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 20000 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  // actions-core's @template (the page mapping's) throws on an object with its own toString or valueOf key, before
  // the destination runs; the README lists it with the runtime's other limits. Segment's libraries never send one.
  fc.jsonValue({ maxDepth: 6 }).filter((value) => !/"(toString|valueOf)":/.test(JSON.stringify(value))),
  fc.array(fc.string(), { maxLength: 5 })
)
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, hostile)
const email = maybe(fc.emailAddress())
const extras = fc.dictionary(fc.string({ maxLength: 20 }), hostile, { maxKeys: 6 })
const date = maybe(
  fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
)

const traits = fc
  .tuple(
    fc.record(
      {
        email,
        new_email: email,
        name: hostile,
        first_name: hostile,
        last_name: hostile,
        phone: hostile,
        sms_number: maybe(
          fc.constantFrom('+16125551212', '+1 (612) 555-1212', '0016125551212', '612-555-1212', '+447700900123')
        ),
        sms_consent: hostile,
        tags: maybe(fc.array(hostile, { maxLength: 5 })),
        remove_tags: hostile,
        status: maybe(fc.constantFrom('active', 'unsubscribed')),
        initial_status: maybe(fc.constantFrom('active', 'unsubscribed')),
        status_updated_at: date,
        address: maybe(
          fc.record(
            { street: hostile, city: hostile, state: hostile, postal_code: hostile, country: hostile },
            { requiredKeys: [] }
          )
        ),
        lifetime_value: hostile,
        prospect: hostile,
        base_lead_score: hostile,
        eu_consent: maybe(fc.constantFrom('granted', 'denied', 'GRANTED')),
        eu_consent_message: hostile,
        custom_fields: maybe(extras),
        vip_customers: fc.boolean()
      },
      { requiredKeys: [] }
    ),
    extras
  )
  .map(([known, more]) => ({ ...more, ...known }))

const properties = fc
  .tuple(
    fc.record(
      { email, revenue: maybe(fc.double({ min: -1e6, max: 1e8, noNaN: true })), value: hostile },
      { requiredKeys: [] }
    ),
    extras
  )
  .map(([known, more]) => ({ ...more, ...known }))

const context = fc.record(
  {
    ip: maybe(fc.oneof(fc.ipV4(), fc.ipV6())),
    timezone: hostile,
    traits: maybe(fc.record({ email }, { requiredKeys: [] })),
    // Segment sends personas as an object or not at all; actions-core itself throws a TypeError on null here.
    personas: fc.record({ computation_class: fc.constant('audience'), computation_key: fc.constant('vip_customers') })
  },
  { requiredKeys: [] }
)

/** Events of the call types that reach `action` (with the presets and the documented mappings). */
const segmentEvent = (types: string[]) =>
  fc
    .record(
      {
        type: fc.constantFrom(...types),
        event: hostile,
        name: hostile,
        userId: hostile,
        groupId: hostile,
        previousId: hostile,
        timestamp: date,
        traits: maybe(traits),
        properties: maybe(properties),
        // Segment always sends a context object (actions-core throws a TypeError on a null one).
        context
      },
      { requiredKeys: ['type'] }
    )
    .map((event) => JSON.parse(JSON.stringify(event)) as SegmentEvent) // what arrives is JSON

/** Segment's e-commerce events (E-commerce spec V2), with hostile values in every property and product. */
const product = fc.record(
  {
    product_id: maybe(fc.string({ minLength: 1, maxLength: 10 })),
    variant_id: hostile,
    sku: hostile,
    name: maybe(fc.string({ minLength: 1, maxLength: 20 })),
    brand: hostile,
    category: hostile,
    variant: hostile,
    price: maybe(fc.double({ min: 0, max: 1e5, noNaN: true })),
    quantity: maybe(fc.integer({ min: 0, max: 100 })),
    coupon: hostile,
    position: hostile,
    url: hostile,
    image_url: hostile
  },
  { requiredKeys: [] }
)
const shopperEvent = fc
  .record(
    {
      type: fc.constant('track'),
      event: fc.constantFrom(
        'Order Completed',
        'Order Updated',
        'Order Refunded',
        'Order Cancelled',
        'Cart Viewed',
        'Checkout Started'
      ),
      timestamp: date,
      properties: maybe(
        fc.record(
          {
            email,
            order_id: maybe(fc.string({ minLength: 1, maxLength: 12 })),
            cart_id: hostile,
            checkout_id: hostile,
            cart_url: maybe(fc.webUrl()),
            total: maybe(fc.double({ min: 0, max: 1e6, noNaN: true })),
            revenue: hostile,
            discount: hostile,
            tax: hostile,
            shipping: hostile,
            currency: maybe(fc.constantFrom('USD', 'eur', 'JPY', 'dollars')),
            products: maybe(fc.array(maybe(product), { maxLength: 4 }))
          },
          { requiredKeys: [] }
        )
      ),
      context: fc.record(
        { traits: maybe(fc.record({ email }, { requiredKeys: [] })), page: maybe(fc.record({ url: hostile })) },
        { requiredKeys: [] }
      )
    },
    { requiredKeys: ['type', 'event', 'context'] }
  )
  .map((event) => JSON.parse(JSON.stringify(event)) as SegmentEvent)

// ------------------------------------------------------------------------------------------------ invariants

const settings = (batching: boolean) =>
  ({
    accountId: DEMO_ACCOUNT_ID,
    apiKey: ENCODED_DEMO_KEY,
    subscriptions: subscriptions.map((s) => (batching ? { ...s, mapping: { ...s.mapping, enable_batching: true } } : s))
  }) as unknown as JSONObject

function expectNoSecret(output: unknown) {
  const text = JSON.stringify(output, (_k, v) =>
    v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v
  )
  for (const secret of SECRETS) expect(text ?? '').not.toContain(secret)
}

/** Every request Drip received in this case was one Drip takes: valid against its OpenAPI, never refused as invalid. */
function expectDripTookEverything() {
  const received = drip.sim.received.splice(0)
  const problems = received.flatMap((r) => [
    ...contractProblems(r.method, r.path, r.text ? JSON.parse(r.text) : undefined),
    ...(r.status === 422 || r.status === 400
      ? [`${r.method} ${r.path} answered ${r.status}: ${r.text.slice(0, 300)}`]
      : [])
  ])
  expect(problems).toEqual([])
}

const ACTIONS: Array<[string, fc.Arbitrary<SegmentEvent>]> = [
  ['identify', segmentEvent(['identify', 'group', 'alias'])],
  ['trackEvent', segmentEvent(['track', 'page'])],
  ['orderActivity and cartActivity', shopperEvent]
]

describe.each(ACTIONS)('%s', (_action, events) => {
  it(`single events: every failure is an actions-core error with a status; Drip takes every request (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(events, async (event) => {
        let output: unknown
        try {
          output = await drip.destination.onEvent(event, settings(false))
        } catch (e) {
          const error = e as Error & { status?: number }
          expect(ERROR_NAMES).toContain(error.name)
          expect(typeof error.status).toBe('number')
          output = { message: error.message, stack: error.stack }
        }
        expectNoSecret(output)
        expectDripTookEverything()
      }),
      { numRuns: RUNS, ...replay }
    )
  })

  it(`batches: every event gets exactly one result; Drip takes every request (${BATCH_RUNS} batches of 1 to 20 events)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(events, { minLength: 1, maxLength: 20 }), async (events) => {
        const results = (await drip.destination.onBatch(events, settings(true))) as Array<{
          multistatus?: Array<{ status: number }>
          output?: string
        }>
        // One result list per subscription that matched any event, each with one result per event.
        for (const result of results) {
          if (result.output === 'not subscribed') continue
          expect(result.multistatus).toHaveLength(events.length)
          for (const item of result.multistatus!) expect(typeof item?.status).toBe('number')
        }
        expectNoSecret(results)
        expectDripTookEverything()
      }),
      { numRuns: BATCH_RUNS, ...replay }
    )
  })
})
