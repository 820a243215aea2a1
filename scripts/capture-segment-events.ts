import { createServer } from 'http'
import type { AddressInfo } from 'net'
import { mkdirSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { parseArgs } from 'util'
import { Analytics } from '@segment/analytics-node'

// `npm run capture`: events in the exact shape Segment's libraries send them. Segment's Node library
// (@segment/analytics-node, dev-only) is pointed at a capture server on 127.0.0.1 and sends a journey of 30 people
// (identify with Segment's reserved traits in the spec's camelCase, e-commerce and plain tracks, page, group, alias,
// Engage audiences, events turned off for this destination through `integrations`). What the library posted is
// written to the file named with `-- --out FILE`, or to a file in the system's temporary folder, which it names. The
// committed fixtures the tests replay change only when asked: `-- --update-fixtures` writes
// test/fixtures/segment-library-events.ndjson. `-- --shop`: a server-side shop's journey instead (the shop's backend
// sending carts and orders, with no page); its fixture is test/fixtures/server-side-shop.ndjson.

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures')
const START = Date.UTC(2026, 10, 20, 9, 0, 0)

/** Events a source turned off for this destination, as a Segment source can: Segment would not deliver these. */
const TURNED_OFF = [
  { on: 2, event: 'Internal Only', integrations: { All: false }, offset: 8 },
  { on: 4, event: 'Not For Drip', integrations: { 'Drip (Actions)': false }, offset: 9 }
]

type At = (minutes: number) => Date

/** What the library posts for the events `send` makes, to a capture server on 127.0.0.1. */
async function captured(send: (analytics: Analytics, at: At) => void): Promise<unknown[]> {
  const received: unknown[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push(...((JSON.parse(body) as { batch?: unknown[] }).batch ?? []))
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const analytics = new Analytics({ writeKey: 'capture', host: `http://127.0.0.1:${port}`, flushAt: 20, maxRetries: 0 })
  send(analytics, (minutes) => new Date(START + minutes * 60_000))
  await analytics.closeAndFlush()
  server.close()
  return received
}

/** 30 people through a web source and a server: identify, page, tracks, orders, groups, aliases, audiences. */
function libraryJourney(analytics: Analytics, at: At) {
  const currencies = ['USD', 'EUR', 'JPY', 'KWD', 'GBP']
  for (let i = 0; i < 30; i++) {
    const userId = `user-${i}`
    // Some with stray spaces and capitals, as they come from forms.
    const email = i % 7 === 3 ? ` Person.${i}@Example.COM ` : `person.${i}@example.com`
    const traits: Record<string, unknown> = {
      email,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      phone: `+1 612 555 ${String(1000 + i)}`,
      address: {
        street: `${i} Main St`,
        city: 'Minneapolis',
        state: 'MN',
        postalCode: `554${String(i).padStart(2, '0')}`,
        country: 'US'
      },
      createdAt: at(-1000 - i).toISOString(),
      plan: i % 2 ? 'pro' : 'free',
      company: { name: 'Acme', id: 'acme-1' }
    }
    if (i % 5 === 0) traits.name = `First${i} Last${i}`
    if (i % 6 === 0) Object.assign(traits, { first_name: `First${i}`, last_name: `Last${i}` })
    analytics.identify({ userId, traits, timestamp: at(i) })
    analytics.track({
      userId,
      event: 'Signed Up',
      properties: { plan: traits.plan },
      context: { traits: { email } },
      timestamp: at(i + 1)
    })
    analytics.page({
      userId,
      name: 'Pricing',
      properties: { url: 'https://shop.example.com/pricing' },
      context: { traits: { email } },
      timestamp: at(i + 2)
    })
    const currency = currencies[i % currencies.length]
    const products = [
      { product_id: `p-${i % 4}`, sku: `SKU-${i % 4}`, name: 'Logo Tee', category: 'Apparel', price: 4800, quantity: 1 }
    ]
    analytics.track({
      userId,
      event: 'Order Completed',
      properties: { order_id: `o-${i}`, total: 4800, revenue: 4800, currency, products },
      context: { traits: { email } },
      timestamp: at(i + 3)
    })
    analytics.track({
      userId,
      event: 'Subscription Renewed',
      properties: { revenue: 4800, currency },
      context: { traits: { email } },
      timestamp: at(i + 4)
    })
    if (i % 3 === 0)
      analytics.group({
        userId,
        groupId: 'acme-1',
        traits: { name: 'Acme', industry: 'Retail' },
        context: { traits: { email } },
        timestamp: at(i + 5)
      })
    if (i % 4 === 0)
      analytics.alias({ userId, previousId: `anon-${i}`, context: { traits: { email } }, timestamp: at(i + 6) })
    if (i % 5 === 1) {
      analytics.track({
        userId,
        event: 'Audience Entered',
        properties: { audience_key: 'big_spenders', big_spenders: true },
        context: {
          traits: { email },
          personas: { computation_class: 'audience', computation_key: 'big_spenders', computation_id: 'aud_1' }
        },
        timestamp: at(i + 7)
      })
    }
    // Every tenth person sends one of them.
    for (const { on, event, integrations, offset } of TURNED_OFF) {
      if (i % 10 === on)
        analytics.track({ userId, event, properties: { email }, integrations, timestamp: at(i + offset) })
    }
  }
}

/**
 * A server-side shop: its backend sends each of 30 shoppers' carts (Cart Viewed, Checkout Started) and some orders
 * through the Node library, as the e-commerce spec has them: cart and checkout ids, products, no cart URL and no page.
 */
function shopJourney(analytics: Analytics, at: At) {
  for (let i = 0; i < 30; i++) {
    const userId = `shopper-${i}`
    const email = `shopper.${i}@example.com`
    const products = [
      { product_id: `p-${i % 5}`, sku: `SKU-${i % 5}`, name: 'Logo Mug', price: 12.5, quantity: 1 + (i % 2) }
    ]
    analytics.identify({ userId, traits: { email, firstName: `Shopper${i}` }, timestamp: at(i) })
    analytics.track({
      userId,
      event: 'Cart Viewed',
      properties: { cart_id: `cart-${i}`, products },
      context: { traits: { email } },
      timestamp: at(i + 1)
    })
    if (i % 6 !== 5) {
      analytics.track({
        userId,
        event: 'Checkout Started',
        properties: { checkout_id: `checkout-${i}`, order_id: `order-${i}`, value: 12.5, currency: 'USD', products },
        context: { traits: { email } },
        timestamp: at(i + 2)
      })
    }
    if (i % 3 === 0) {
      analytics.track({
        userId,
        event: 'Order Completed',
        properties: { order_id: `order-${i}`, total: 12.5, currency: 'USD', products },
        context: { traits: { email } },
        timestamp: at(i + 3)
      })
    }
  }
}

/** Which journey to capture and where to write it, from the command's arguments; an Error says what is wrong. */
export function captureTarget(argv: string[]): { shop: boolean; out: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { shop: { type: 'boolean' }, out: { type: 'string' }, 'update-fixtures': { type: 'boolean' } }
  })
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}: name the file with --out FILE`)
  if (values.out !== undefined && values['update-fixtures']) {
    throw new Error('--out and --update-fixtures name two places: give one')
  }
  const shop = Boolean(values.shop)
  const name = shop ? 'server-side-shop.ndjson' : 'segment-library-events.ndjson'
  if (values['update-fixtures']) return { shop, out: path.join(FIXTURES, name) }
  return { shop, out: values.out ?? path.join(tmpdir(), 'actions-drip-capture', name) }
}

async function main() {
  let target: ReturnType<typeof captureTarget>
  try {
    target = captureTarget(process.argv.slice(2))
  } catch (error) {
    console.error(`capture: ${(error as Error).message}`)
    process.exitCode = 2
    return
  }
  const received = await captured(target.shop ? shopJourney : libraryJourney)
  mkdirSync(path.dirname(target.out), { recursive: true })
  writeFileSync(target.out, received.map((event) => JSON.stringify(event)).join('\n') + '\n')
  console.log(`wrote ${received.length} events to ${path.relative(process.cwd(), target.out) || target.out}`)
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
