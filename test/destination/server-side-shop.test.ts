import { readFileSync } from 'fs'
import path from 'path'
import type { SegmentEvent } from '@segment/actions-core'
import { presetSubscriptions, readMapping, type DripSubscription } from '../../tools/subscriptions'
import { Runner, type EventResult } from '../../tools/runner/run'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { useSimulator } from '../simulated'

// A server-side shop (test/fixtures/server-side-shop.ndjson, captured from Segment's Node library by
// `npm run capture -- --shop`): its backend sends 30 shoppers' carts and orders, with no page and no cart URL. Drip
// needs a URL for every cart; the one change an admin makes, Cart URL Template (examples/server-side-carts.json),
// lands every cart.

const ROOT = path.join(__dirname, '..', '..')
const events = readFileSync(path.join(ROOT, 'test', 'fixtures', 'server-side-shop.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as SegmentEvent)
const carts = events.filter((e) => e.event === 'Cart Viewed' || e.event === 'Checkout Started')

const drip = useSimulator({ limits: { single: Infinity, batch: Infinity } })

async function replay(subscriptions: DripSubscription[], batch: boolean) {
  const results: EventResult[] = []
  const runner = new Runner({
    definition: drip.definition,
    settings: { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN },
    subscriptions,
    batch,
    onResult: (result) => results.push(result)
  })
  async function* items() {
    for (const [i, event] of events.entries()) yield { position: i + 1, line: i + 1, event }
  }
  await runner.run(items())
  return results.filter((r) => r.action === 'cartActivity')
}

it('with the presets alone, every cart is refused, naming the one field to set, with an example', async () => {
  const results = await replay(presetSubscriptions(drip.definition), false)
  expect(carts).toHaveLength(55)
  expect(results).toHaveLength(55)
  expect(new Set(results.map((r) => [r.outcome, r.message].join(': ')))).toEqual(
    new Set([
      "rejected: Cart URL: empty, and Drip needs a link to every cart (its abandoned-cart emails point to it). The default looks in properties.cart_url, then the page's URL (context.page.url), which events from a server do not have: set Cart URL Template once, e.g. https://shop.example.com/cart/{cart_id}, or map Cart URL to where your events carry it."
    ])
  )
})

it.each([
  ['one at a time', false],
  ['in batches', true]
])('with examples/server-side-carts.json, every cart lands in Drip with its URL (%s)', async (_mode, batch) => {
  const subscriptions = readMapping(drip.definition, path.join(ROOT, 'examples', 'server-side-carts.json'))
  const results = await replay(subscriptions, batch)
  expect(results.map((r) => r.outcome)).toEqual(carts.map(() => 'delivered'))
  const held = drip.sim
    .state()
    .accounts[0].shopper_activity.filter((r) => r.kind === 'cart')
    .map((r) => [r.cart_id, r.cart_url])
  const ids = [...new Set(carts.map((e) => String(e.properties?.cart_id ?? e.properties?.checkout_id)))]
  expect(held.sort()).toEqual(ids.map((id) => [id, `https://shop.example.com/cart/${id}`]).sort())
})
