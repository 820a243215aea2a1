import { createWriteStream } from 'fs'
import type { SegmentEvent } from '@segment/actions-core'

// Realistic Segment events for the benchmarks, from a bounded pool of people (so Drip's state stays small however many
// events are replayed) and deterministic (event i is always the same).

const PEOPLE = 10_000
/** A step that takes PEOPLE events through a year, with milliseconds in their times. */
const YEAR_STEP_MS = 3_153_599
const PLANS = ['free', 'pro', 'team', 'enterprise']
// Plain track events: Segment's e-commerce events have presets of their own (orderEvent below).
const EVENTS = ['Signed Up', 'Product Viewed', 'Logged In', 'Plan Changed']

/** What every bench event of person `i % PEOPLE` carries: its kind, id, user and time. */
function benchEvent(i: number, type: 'identify' | 'track', fields: Record<string, unknown>): SegmentEvent {
  const person = i % PEOPLE
  return {
    type,
    messageId: `bench-${i}`,
    userId: `u-${person}`,
    // Spread over 2026, so that the 29th to the 31st of a month (which dates check by the calendar) come as often as
    // they do in a year.
    timestamp: new Date(Date.UTC(2026, 0, 1) + (i % PEOPLE) * YEAR_STEP_MS).toISOString(),
    ...fields
  } as SegmentEvent
}

const emailOf = (i: number) => `person${i % PEOPLE}@example.com`

export function identifyEvent(i: number): SegmentEvent {
  const person = i % PEOPLE
  return benchEvent(i, 'identify', {
    traits: {
      email: emailOf(i),
      name: `Person ${person}`,
      plan: PLANS[person % PLANS.length],
      tags: 'customer,newsletter',
      logins: person % 97,
      custom_fields: { shirt_size: 'M' }
    },
    context: { ip: '203.0.113.9', timezone: 'Europe/London' }
  })
}

export function trackEvent(i: number): SegmentEvent {
  return benchEvent(i, 'track', {
    event: EVENTS[i % EVENTS.length],
    properties: { email: emailOf(i), order_id: `o-${i}`, revenue: (i % 500) + 0.99, currency: 'USD' },
    context: { traits: { email: emailOf(i) } }
  })
}

/** An Order Completed as Segment's e-commerce spec has it, with two products. */
export function orderEvent(i: number): SegmentEvent {
  const tee = { product_id: `p-${i % 50}`, sku: `SKU-${i % 50}`, name: 'Logo Tee', category: 'Apparel', price: 25 }
  return benchEvent(i, 'track', {
    event: 'Order Completed',
    properties: {
      order_id: `o-${i}`,
      total: (i % 500) + 10.99,
      tax: 1.5,
      shipping: 4,
      currency: 'USD',
      products: [
        { ...tee, quantity: 1 },
        { product_id: 'mug', variant_id: 'mug-blue', name: 'Mug', price: 12.5, quantity: 2 }
      ]
    },
    context: { traits: { email: emailOf(i) } }
  })
}

/** Half identify, half track, alternating. */
export const mixedEvent = (i: number) => (i % 2 === 0 ? identifyEvent(i) : trackEvent(i))

/** Writes `count` mixed events as NDJSON, streaming (a million events never sit in memory). */
export async function writeNdjson(file: string, count: number): Promise<void> {
  const out = createWriteStream(file)
  const CHUNK = 1000
  for (let start = 0; start < count; start += CHUNK) {
    let text = ''
    for (let i = start; i < Math.min(count, start + CHUNK); i++) text += `${JSON.stringify(mixedEvent(i))}\n`
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}
