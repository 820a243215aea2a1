import type { Payload } from '../../src/trackEvent/generated-types'
import { buildEvent } from '../../src/records/event'

// The event Track Event sends, by what its properties and Conversion Value hold: properties.value is Drip's
// conversion value (integer cents, or the currency's smallest unit), so anything else there is left out, and a
// Conversion Value replaces it. Compared as JSON, so the order of the properties sent is pinned too.

const BASE = { action: 'Bought', email: 'b@example.com', occurred_at: '2026-11-20T10:15:00.000Z' }

type Expected = { properties?: unknown; notes?: string[] }

const CASES: Array<[string, Payload, Expected]> = [
  ['no value', { ...BASE, properties: { a: 1, b: 'x' } }, { properties: { a: 1, b: 'x' } }],
  ['valid properties.value', { ...BASE, properties: { value: 500, a: 1 } }, { properties: { value: 500, a: 1 } }],
  [
    'decimal properties.value',
    { ...BASE, properties: { a: 1, value: 12.34, b: 2 } },
    {
      properties: { a: 1, b: 2 },
      notes: ['Properties: "value" left out: Drip reads it as the conversion value, in whole cents.']
    }
  ],
  [
    'string properties.value',
    { ...BASE, properties: { value: '12', a: 1 } },
    {
      properties: { a: 1 },
      notes: ['Properties: "value" left out: Drip reads it as the conversion value, in whole cents.']
    }
  ],
  [
    'null properties.value',
    { ...BASE, properties: { value: null, a: 1 } },
    {
      properties: { a: 1 },
      notes: ['Properties: "value" left out: Drip reads it as the conversion value, in whole cents.']
    }
  ],
  [
    'too large properties.value',
    { ...BASE, properties: { value: 2147483647, a: 1 } },
    {
      properties: { a: 1 },
      notes: ['Properties: "value" left out: Drip reads it as the conversion value, in whole cents.']
    }
  ],
  [
    'revenue USD',
    { ...BASE, properties: { a: 1, revenue: 12.34, currency: 'USD' }, value: 12.34, currency: 'USD' },
    { properties: { a: 1, revenue: 12.34, currency: 'USD', value: 1234 } }
  ],
  [
    'revenue rounding',
    { ...BASE, properties: { a: 1 }, value: 12.345, currency: 'USD' },
    {
      properties: { a: 1, value: 1235 },
      notes: ['Conversion Value: 12.345 rounded to 12.35, as its currency has 2 decimals.']
    }
  ],
  // Floating-point cents: 0.29 * 100 is 28.999999999999996, sent as 29 without a note; 1.005 * 100 is just below 100.5.
  [
    'revenue 0.29 USD',
    { ...BASE, properties: { a: 1 }, value: 0.29, currency: 'USD' },
    { properties: { a: 1, value: 29 } }
  ],
  [
    'revenue 1.005 USD',
    { ...BASE, properties: { a: 1 }, value: 1.005, currency: 'USD' },
    {
      properties: { a: 1, value: 100 },
      notes: ['Conversion Value: 1.005 rounded to 1, as its currency has 2 decimals.']
    }
  ],
  ['revenue no currency', { ...BASE, properties: { a: 1 }, value: 12.34 }, { properties: { a: 1, value: 1234 } }],
  [
    'revenue usd lower spaced',
    { ...BASE, properties: { a: 1 }, value: 12.34, currency: ' usd ' },
    { properties: { a: 1, value: 1234 } }
  ],
  [
    'revenue JPY',
    { ...BASE, properties: { a: 1 }, value: 4800, currency: 'JPY' },
    { properties: { a: 1, value: 4800 } }
  ],
  [
    'revenue JPY fractional',
    { ...BASE, properties: { a: 1 }, value: 4800.5, currency: 'jpy' },
    {
      properties: { a: 1, value: 4801 },
      notes: ['Conversion Value: 4800.5 rounded to 4801, as its currency has 0 decimals.']
    }
  ],
  [
    'revenue KWD',
    { ...BASE, properties: { a: 1 }, value: 1.2345, currency: 'KWD' },
    {
      properties: { a: 1, value: 1235 },
      notes: ['Conversion Value: 1.2345 rounded to 1.235, as its currency has 3 decimals.']
    }
  ],
  [
    'revenue EUR',
    { ...BASE, properties: { a: 1 }, value: 9.99, currency: 'EUR' },
    { properties: { a: 1, value: 999 } }
  ],
  [
    'revenue not ISO',
    { ...BASE, properties: { a: 1 }, value: 9.99, currency: 'FOO' },
    {
      properties: { a: 1, value: 999 },
      notes: ['Currency: "FOO" is not an ISO 4217 code; the amount was taken as having two decimals.']
    }
  ],
  [
    'revenue empty currency',
    { ...BASE, properties: { a: 1 }, value: 9.99, currency: '  ' },
    { properties: { a: 1, value: 999 } }
  ],
  [
    'revenue too large',
    { ...BASE, properties: { a: 1 }, value: 21474836.48, currency: 'USD' },
    {
      properties: { a: 1 },
      notes: [
        "Conversion Value left out: 21474836.48 is beyond what Drip stores (below 2,147,483,647 in the currency's smallest unit)."
      ]
    }
  ],
  ['revenue negative', { ...BASE, properties: { a: 1 }, value: -5.5 }, { properties: { a: 1, value: -550 } }],
  ['revenue zero', { ...BASE, properties: { a: 1 }, value: 0 }, { properties: { a: 1, value: 0 } }],
  [
    'revenue NaN',
    { ...BASE, properties: { a: 1 }, value: NaN },
    {
      properties: { a: 1 },
      notes: [
        "Conversion Value left out: NaN is beyond what Drip stores (below 2,147,483,647 in the currency's smallest unit)."
      ]
    }
  ],
  ['revenue null', { ...BASE, properties: { a: 1 }, value: null as unknown as number }, { properties: { a: 1 } }],
  ['revenue, no properties', { ...BASE, value: 1.5 }, { properties: { value: 150 } }],
  [
    'revenue, valid properties.value differs',
    { ...BASE, properties: { value: 500, a: 1 }, value: 12.34 },
    { properties: { value: 1234, a: 1 } }
  ],
  [
    'revenue, properties.value equal',
    { ...BASE, properties: { value: 1234, a: 1 }, value: 12.34 },
    { properties: { value: 1234, a: 1 } }
  ],
  [
    'revenue, invalid properties.value',
    { ...BASE, properties: { value: 'x', a: 1 }, value: 12.34 },
    {
      properties: { a: 1, value: 1234 },
      notes: ['Properties: "value" left out: Drip reads it as the conversion value, in whole cents.']
    }
  ],
  [
    'revenue too large, invalid properties.value',
    { ...BASE, properties: { value: 'x', a: 1 }, value: 1e12 },
    {
      properties: { a: 1 },
      notes: [
        'Properties: "value" left out: Drip reads it as the conversion value, in whole cents.',
        "Conversion Value left out: 1000000000000 is beyond what Drip stores (below 2,147,483,647 in the currency's smallest unit)."
      ]
    }
  ],
  [
    'revenue too large, valid properties.value',
    { ...BASE, properties: { value: 7, a: 1 }, value: 1e12 },
    {
      properties: { value: 7, a: 1 },
      notes: [
        "Conversion Value left out: 1000000000000 is beyond what Drip stores (below 2,147,483,647 in the currency's smallest unit)."
      ]
    }
  ],
  [
    // __proto__ is left out with a note (it is no field name, and set on a record it would replace its prototype).
    'an own __proto__ key (as JSON.parse makes it), with a Conversion Value',
    { ...BASE, properties: JSON.parse('{"__proto__": {"x": 1}, "a": 1}'), value: 2 },
    {
      properties: { a: 1, value: 200 },
      notes: ['Properties: "__proto__" left out: no name a Drip field can have.']
    }
  ],
  [
    'an own __proto__ key, and a properties.value left out',
    { ...BASE, properties: JSON.parse('{"__proto__": {"x": 1}, "value": "x"}') },
    {
      properties: {},
      notes: [
        'Properties: "__proto__" left out: no name a Drip field can have.',
        'Properties: "value" left out: Drip reads it as the conversion value, in whole cents.'
      ]
    }
  ]
]

describe('buildEvent: properties and the conversion value', () => {
  it.each(CASES)('%s', (_case, payload, expected) => {
    const given = JSON.stringify(payload)
    const built = buildEvent(payload)
    const record = {
      email: BASE.email,
      action: BASE.action,
      properties: expected.properties,
      occurred_at: BASE.occurred_at
    }
    expect(JSON.stringify(built)).toBe(JSON.stringify(expected.notes ? { record, notes: expected.notes } : { record }))
    // The payload is the runtime's: never changed.
    expect(JSON.stringify(payload)).toBe(given)
  })
})

describe("buildEvent: the payload's own properties object when value does not change", () => {
  it.each([
    ['no properties.value and no Conversion Value', { a: 1 }, undefined],
    ['an integer properties.value and no Conversion Value', { value: 500, a: 1 }, undefined],
    ['properties.value already the Conversion Value in cents', { value: 1234, a: 1 }, 12.34],
    ['a Conversion Value left out, an integer properties.value', { value: 7, a: 1 }, 1e12]
  ])('%s: sent as it is, not copied', (_case, properties, value) => {
    const built = buildEvent({ ...BASE, properties, value })
    expect('record' in built && built.record.properties).toBe(properties)
  })

  it('copies them when value is added, replaced or left out', () => {
    for (const [properties, value] of [
      [{ a: 1 }, 12.34],
      [{ value: 500, a: 1 }, 12.34],
      [{ value: 'x', a: 1 }, undefined],
      [{ value: 'x', a: 1 }, 12.34]
    ] as const) {
      const built = buildEvent({ ...BASE, properties, value })
      expect('record' in built && built.record.properties).not.toBe(properties)
    }
  })
})
