import fc from 'fast-check'
import { isoDate } from '../../src/records/values'

// The date rule, pinned input by input: every date field (Event Time, Status Updated At, ...) goes through isoDate.
// Each row is a value and the instant Drip gets, or undefined when the value is left out with a note. Run in zones
// either side of UTC, and off the hour: a time without a zone is UTC wherever the destination runs.

type Row = [string | number, string | undefined]

const NOTE_END =
  'is not a real date and time between 1900 and 2099 (ISO-8601, RFC 2822, or epoch seconds or milliseconds after 2000).'

const ROWS: Record<string, Row[]> = {
  'ISO-8601: with and without T, seconds, fractions and zones; Z, ±HH:MM, ±HHMM, ±HH up to 14 hours': [
    ['2026-11-20T10:15:00.000Z', '2026-11-20T10:15:00.000Z'],
    [' 2026-11-20T10:15:00.000Z\n', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00.5Z', '2026-11-20T10:15:00.500Z'],
    ['2026-11-20T10:15:00.12Z', '2026-11-20T10:15:00.120Z'],
    ['2026-11-20T10:15:00.123456789Z', '2026-11-20T10:15:00.123Z'],
    ['2026-11-20T10:15:00.1234567891Z', undefined],
    ['2026-11-20T10:15:00.9994Z', '2026-11-20T10:15:00.999Z'],
    ['2026-11-20T10:15:00.9995Z', '2026-11-20T10:15:01.000Z'],
    // Fractions are rounded to milliseconds, which can carry into the next second (and year, and out of the window).
    ['2026-12-31T23:59:59.9999Z', '2027-01-01T00:00:00.000Z'],
    ['2099-12-31T23:59:59.9999Z', undefined],
    ['2026-11-20T10:15Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20 10:15:00', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20t10:15:00z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00 Z', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00   +01:00', '2026-11-20T09:15:00.000Z'],
    ['2026-11-20T10:15:00+01:00', '2026-11-20T09:15:00.000Z'],
    ['2026-11-20T10:15:00+0100', '2026-11-20T09:15:00.000Z'],
    ['2026-11-20T10:15:00+01', '2026-11-20T09:15:00.000Z'],
    ['2026-11-20T10:15:00-05:30', '2026-11-20T15:45:00.000Z'],
    ['2026-11-20T10:15:00-0530', '2026-11-20T15:45:00.000Z'],
    ['2026-11-20T10:15:00-05', '2026-11-20T15:15:00.000Z'],
    // Fifteen minutes, not fifteen hours.
    ['2026-11-20T10:15:00+00:15', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T10:15:00-00:00', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00.000+00:00', '2026-11-20T10:15:00.000Z'],
    ['2026-11-20T10:15:00+14:00', '2026-11-19T20:15:00.000Z'],
    ['2026-11-20T10:15:00+14:59', '2026-11-19T19:16:00.000Z'],
    ['2026-11-20T10:15:00-14:00', '2026-11-21T00:15:00.000Z'],
    ['2026-11-20T10:15:00+15:00', undefined],
    ['2026-11-20T10:15:00+01:60', undefined],
    ['2026-11-20T10:15:00+1:00', undefined],
    ['2026-11-20T10:15:00+01:', undefined],
    ['2026-11-20T10:15:00+01:0', undefined],
    ['2026-11-20T10:15:00 UTC', undefined],
    ['2026-11-20T10:15:00 GMT', undefined],
    ['2026-11-20T10:15:00EST', undefined],
    ['2026-11-20T1:15:00Z', undefined],
    ['2026-11-20T10Z', undefined],
    ['2026-11-20T10:15:00.Z', undefined],
    ['2026-11-20T10:15:0Z', undefined],
    ['2026-11-20T', undefined],
    ['2026-11-20T10:15:00.000ZZ', undefined],
    ['2026-1-20', undefined],
    ['2026-11-2', undefined],
    ['+002026-11-20T10:15:00Z', undefined],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20Z', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20+01:00', '2026-11-19T23:00:00.000Z'],
    ['2026-11-20 +01:00', '2026-11-19T23:00:00.000Z'],
    ['2026-11-20T00:00:00.000-01:00', '2026-11-20T01:00:00.000Z']
  ],
  'leap days, and days, hours, minutes and seconds that do not exist: refused, never rolled over': [
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2023-02-29', undefined],
    ['1900-02-29', undefined],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2100-02-29', undefined],
    ['2024-02-29T12:00:00.000Z', '2024-02-29T12:00:00.000Z'],
    ['2023-02-29T12:00:00.000Z', undefined],
    ['2026-02-30T00:00:00.000Z', undefined],
    ['2026-02-30', undefined],
    ['2026-04-31', undefined],
    ['2026-04-30', '2026-04-30T00:00:00.000Z'],
    ['2026-13-01', undefined],
    ['2026-00-10', undefined],
    ['2026-01-00', undefined],
    ['0000-00-00', undefined],
    ['2026-11-20T24:00:00Z', undefined],
    ['2026-11-20T24:00:00.000Z', undefined],
    ['2026-11-20T24:00', undefined],
    ['2026-11-20T23:60:00Z', undefined],
    ['2026-11-20T23:60:00.000Z', undefined],
    ['2026-11-20T23:59:60Z', undefined],
    ['2026-11-20T23:59:60.000Z', undefined],
    ['2026-11-20T23:59:59.999Z', '2026-11-20T23:59:59.999Z']
  ],
  'the window of years: 1900 to 2099, after the zone is applied': [
    ['1850-01-01T00:00:00Z', undefined],
    ['1899-12-31T23:59:59.999Z', undefined],
    ['1899-12-31', undefined],
    ['1900-01-01T00:00:00.000Z', '1900-01-01T00:00:00.000Z'],
    ['1900-01-01', '1900-01-01T00:00:00.000Z'],
    ['1900-01-01T00:30:00+01:00', undefined],
    ['1899-12-31T23:30:00-01:00', '1900-01-01T00:30:00.000Z'],
    ['2099-12-31T23:59:59.999Z', '2099-12-31T23:59:59.999Z'],
    ['2099-12-31', '2099-12-31T00:00:00.000Z'],
    ['2100-01-01T00:00:00.000Z', undefined],
    ['2100-01-01', undefined],
    ['2099-12-31T23:30:00-01:00', undefined],
    ['2100-01-01T00:30:00+01:00', '2099-12-31T23:30:00.000Z'],
    // Years 0000-0099 are before 1900, not 1900-1999 (as Date.UTC would read them: 0050 was taken as 1950).
    ['0050-01-01', undefined],
    ['0099-12-31T10:00:00Z', undefined],
    ['0100-01-01', undefined],
    ['0999-01-01', undefined],
    ['1000-01-01', undefined],
    ['9999-12-31T23:59:59.999Z', undefined]
  ],
  'RFC 2822: with or without weekday and seconds; GMT, UTC, Z or ±HHMM': [
    ['Fri, 20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15 GMT', '2026-11-20T10:15:00.000Z'],
    ['20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['Fri 20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    // The weekday is not checked against the date.
    ['Mon, 20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['Xyz, 20 Nov 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 +0100', '2026-11-20T09:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 -0530', '2026-11-20T15:45:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 +1400', '2026-11-19T20:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 +1500', undefined],
    ['Fri, 20 Nov 2026 10:15:00 +0160', undefined],
    ['Fri, 20 Nov 2026 10:15:00 +01:00', undefined],
    ['Fri, 20 Nov 2026 10:15:00 +01', undefined],
    ['Fri, 20 Nov 2026 10:15:00 UTC', '2026-11-20T10:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 Z', '2026-11-20T10:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00 EST', undefined],
    ['Fri, 20 Nov 2026 10:15:00', undefined],
    ['fri, 20 nov 2026 10:15:00 gmt', '2026-11-20T10:15:00.000Z'],
    ['FRI, 20 NOV 2026 10:15:00 GMT', '2026-11-20T10:15:00.000Z'],
    ['Thu, 5 Nov 2026 10:15:00 GMT', '2026-11-05T10:15:00.000Z'],
    ['Thu, 05 Nov 2026 10:15:00 GMT', '2026-11-05T10:15:00.000Z'],
    ['Fri, 20 Nov 2026 10:15:00GMT', '2026-11-20T10:15:00.000Z'],
    ['Fri,  20  Nov  2026  10:15:00  GMT', '2026-11-20T10:15:00.000Z'],
    ['Fri, 30 Feb 2026 10:15:00 GMT', undefined],
    ['29 Feb 2024 10:15:00 GMT', '2024-02-29T10:15:00.000Z'],
    ['29 Feb 2023 10:15:00 GMT', undefined],
    ['29 Feb 1900 10:15:00 GMT', undefined],
    ['Fri, 20 Nov 2026 24:00:00 GMT', undefined],
    ['Fri, 20 Nov 2026 23:60:00 GMT', undefined],
    ['Fri, 20 Nov 2026 23:59:60 GMT', undefined],
    ['Fri, 00 Nov 2026 10:15:00 GMT', undefined],
    ['Fri, 32 Nov 2026 10:15:00 GMT', undefined],
    ['Fri, 20 Foo 2026 10:15:00 GMT', undefined],
    ['Friday, 20 Nov 2026 10:15:00 GMT', undefined],
    ['Fri, 20 November 2026 10:15:00 GMT', undefined],
    ['Fri, 20 Nov 26 10:15:00 GMT', undefined],
    ['Fri, 20 Nov 2026 1:15:00 GMT', undefined],
    ['Fri, 20 Nov 2026 10:15:00.000 GMT', undefined],
    ['31 Dec 1899 23:30:00 -0100', '1900-01-01T00:30:00.000Z'],
    ['1 Jan 1900 00:30:00 +0100', undefined],
    ['31 Dec 2099 23:59:59 GMT', '2099-12-31T23:59:59.000Z'],
    ['1 Jan 2100 00:00:00 GMT', undefined],
    ['1 Jan 0050 00:00:00 GMT', undefined]
  ],
  'epoch seconds and milliseconds, as numbers and digit strings, from 2000: below 1e11 is seconds': [
    [1700000000, '2023-11-14T22:13:20.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    [' 1700000000 ', '2023-11-14T22:13:20.000Z'],
    [1700000000123, '2023-11-14T22:13:20.123Z'],
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    [1700000000.5, '2023-11-14T22:13:20.500Z'],
    ['1700000000.5', '2023-11-14T22:13:20.500Z'],
    [1700000000.0005, '2023-11-14T22:13:20.001Z'],
    [1700000000123.6, '2023-11-14T22:13:20.124Z'],
    ['1700000000123.4', '2023-11-14T22:13:20.123Z'],
    [-1700000000, undefined],
    ['-1700000000', undefined],
    [-1700000000123, undefined],
    [0, undefined],
    ['0', undefined],
    [946684800, '2000-01-01T00:00:00.000Z'],
    [946684799, undefined],
    [946684800000, '2000-01-01T00:00:00.000Z'],
    [946684799999, undefined],
    [946684799.9996, undefined],
    // The window is checked before milliseconds are rounded.
    [946684799999.6, undefined],
    [99999999999, undefined],
    [100000000000, undefined],
    [4102444799, '2099-12-31T23:59:59.000Z'],
    [4102444800, undefined],
    [4102444799999, '2099-12-31T23:59:59.999Z'],
    [4102444800000, undefined],
    // Inside the window before rounding; rounded, it is 2100.
    [4102444799999.6, '2100-01-01T00:00:00.000Z'],
    [20261120, undefined],
    ['20261120', undefined],
    [NaN, undefined],
    [Infinity, undefined],
    [-Infinity, undefined],
    [1e21, undefined],
    ['1.7e9', undefined],
    ['+1700000000', undefined],
    ['1700000000.', undefined],
    ['.5', undefined],
    ['00001700000000', '2023-11-14T22:13:20.000Z']
  ],
  'anything else': [
    ['next tuesday', undefined],
    ['abc', undefined],
    ['null', undefined],
    ['undefined', undefined],
    ['true', undefined],
    ['2026', undefined],
    ['2026-11', undefined],
    ['Nov 20, 2026', undefined],
    ['11/20/2026', undefined],
    ['2026/11/20', undefined],
    ['Fri Nov 20 2026 10:15:00 GMT+0000 (Coordinated Universal Time)', undefined],
    ['2026-11-20T10:15:00.000Z and more text to go beyond forty chars', undefined]
  ]
}

describe.each(['UTC', 'America/St_Johns', 'Asia/Kathmandu'])('isoDate with TZ=%s', (zone) => {
  const saved = process.env.TZ
  beforeAll(() => {
    process.env.TZ = zone
  })
  afterAll(() => {
    process.env.TZ = saved
  })

  describe.each(Object.entries(ROWS))('%s', (_section, rows) => {
    it.each(rows)('%p → %p', (value, expected) => {
      const notes: string[] = []
      expect(isoDate(value, 'Event Time', notes)).toBe(expected)
      const shown = JSON.stringify(String(value).slice(0, 40))
      expect(notes).toEqual(expected === undefined ? [`Event Time left out: ${shown} ${NOTE_END}`] : [])
    })
  })

  it.each([undefined, null, '', '   ', '\t\n'])('%p: no date, and no note', (value) => {
    const notes: string[] = []
    expect(isoDate(value as string | undefined, 'Event Time', notes)).toBeUndefined()
    expect(notes).toEqual([])
  })
})

describe('the note for a date left out', () => {
  it('names the field and shows the value, cut at 40 characters', () => {
    const notes: string[] = []
    isoDate('2026-11-20T10:15:00.000Z and more text to go beyond forty chars', 'Status Updated At', notes)
    isoDate(-1700000000, 'Event Time', notes)
    expect(notes).toEqual([
      'Status Updated At left out: "2026-11-20T10:15:00.000Z and more text t" is not a real date and time between ' +
        '1900 and 2099 (ISO-8601, RFC 2822, or epoch seconds or milliseconds after 2000).',
      'Event Time left out: "-1700000000" is not a real date and time between 1900 and 2099 (ISO-8601, RFC 2822, ' +
        'or epoch seconds or milliseconds after 2000).'
    ])
  })
})

describe("Segment's canonical timestamps, taken by their form (a 29th to 31st by dayjs's plain parse), as most events carry one", () => {
  it('takes and refuses exactly what the strict dayjs path does with the same time written +00:00', () => {
    const digits = (n: number, width: number) => String(n).padStart(width, '0')
    const near = (edges: number[], anywhere: fc.Arbitrary<number>) => fc.oneof(fc.constantFrom(...edges), anywhere)
    fc.assert(
      fc.property(
        fc.record({
          // Near the edges (leap years, the window, the last day, hour, minute and second), and anywhere.
          year: near([1899, 1900, 1996, 2000, 2023, 2024, 2099, 2100], fc.integer({ min: 0, max: 9999 })),
          month: near([0, 1, 2, 4, 12, 13], fc.integer({ min: 0, max: 19 })),
          day: near([0, 1, 28, 29, 30, 31, 32], fc.integer({ min: 0, max: 39 })),
          hour: near([0, 23, 24], fc.integer({ min: 0, max: 29 })),
          minute: near([0, 59, 60], fc.integer({ min: 0, max: 69 })),
          second: near([0, 59, 60], fc.integer({ min: 0, max: 69 })),
          ms: fc.integer({ min: 0, max: 999 })
        }),
        ({ year, month, day, hour, minute, second, ms }) => {
          const wall =
            `${digits(year, 4)}-${digits(month, 2)}-${digits(day, 2)}` +
            `T${digits(hour, 2)}:${digits(minute, 2)}:${digits(second, 2)}.${digits(ms, 3)}`
          const canonical = isoDate(`${wall}Z`, 'Event Time', [])
          expect(canonical).toBe(isoDate(`${wall}+00:00`, 'Event Time', []))
          if (canonical !== undefined) expect(canonical).toBe(`${wall}Z`)
        }
      ),
      { numRuns: 5000 }
    )
  })
})
