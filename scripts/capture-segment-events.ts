import { createServer } from 'http'
import type { AddressInfo } from 'net'
import { writeFileSync } from 'fs'
import path from 'path'
import { Analytics } from '@segment/analytics-node'

// `npm run capture`: events in the exact shape Segment's libraries send them. Segment's Node library
// (@segment/analytics-node, dev-only) is pointed at a capture server on 127.0.0.1 and sends a journey of 30 people
// (identify with Segment's reserved traits in the spec's camelCase, e-commerce and plain tracks, page, group, alias,
// Engage audiences, events turned off for this destination through `integrations`). What the library posted is
// written to test/fixtures/segment-library-events.ndjson, which the tests replay. Run it again to refresh the file.

const OUT = path.join(__dirname, '..', 'test', 'fixtures', 'segment-library-events.ndjson')
const START = Date.UTC(2026, 10, 20, 9, 0, 0)

/** Events a source turned off for this destination, as a Segment source can: Segment would not deliver these. */
const TURNED_OFF = [
  { on: 2, event: 'Internal Only', integrations: { All: false }, offset: 8 },
  { on: 4, event: 'Not For Drip', integrations: { 'Drip (Actions)': false }, offset: 9 }
]

async function main() {
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

  const at = (minutes: number) => new Date(START + minutes * 60_000)
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
  await analytics.closeAndFlush()
  server.close()
  writeFileSync(OUT, received.map((event) => JSON.stringify(event)).join('\n') + '\n')
  console.log(`wrote ${received.length} events to ${path.relative(process.cwd(), OUT)}`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
