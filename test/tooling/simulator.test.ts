import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { DripSimulator } from '../../tools/simulator'

const TOKEN = 'sim-token-1'
const OTHER_TOKEN = 'sim-token-2'
const ACCOUNT = '1111111'
const FOREIGN = '2222222'

let sim: DripSimulator
let base: string

beforeAll(async () => {
  sim = new DripSimulator({
    accounts: [
      { id: ACCOUNT, name: 'Mine' },
      { id: FOREIGN, name: 'Theirs' }
    ],
    tokens: { [TOKEN]: [ACCOUNT], [OTHER_TOKEN]: [FOREIGN] },
    limits: { single: 1000, batch: 1000 }
  })
  base = await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

async function call(method: string, urlPath: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token !== null) headers.Authorization = `Basic ${Buffer.from(`${token}:`).toString('base64')}`
  const response = await fetch(`${base}${urlPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined }
}

const people = () => sim.state().accounts.find((a) => a.id === ACCOUNT)!.people
const person = (email: string) => people().find((p) => p.email === email)

describe('auth', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    expect((await call('GET', '/v2/accounts', undefined, null)).status).toBe(401)
    expect((await call('GET', '/v2/accounts', undefined, 'wrong')).status).toBe(401)
    expect(
      (await call('POST', `/v2/${ACCOUNT}/events`, { events: [{ email: 'a@b.co', action: 'x' }] }, 'wrong')).status
    ).toBe(401)
  })

  it('lists only the accounts the token can use', async () => {
    const accounts = await call('GET', '/v2/accounts')
    expect(accounts.status).toBe(200)
    expect(accounts.body.accounts.map((a: { id: string }) => a.id)).toEqual([ACCOUNT])
    expect(accounts.body.accounts[0]).toMatchObject({ id: ACCOUNT, name: 'Mine' })
  })

  it('answers 404 not_found_error for an account the token cannot use, and changes nothing there', async () => {
    const write = await call('POST', `/v2/${FOREIGN}/subscribers`, { subscribers: [{ email: 'a@b.co' }] })
    expect(write).toMatchObject({ status: 404, body: { errors: [{ code: 'not_found_error' }] } })
    expect(sim.state().accounts.find((a) => a.id === FOREIGN)!.people).toEqual([])
  })
})

describe("validation against Drip's OpenAPI description", () => {
  it("accepts Drip's own request examples (from its reference pages) for every endpoint it simulates", async () => {
    const examples: Array<[string, unknown]> = [
      [
        '/subscribers',
        {
          subscribers: [
            { email: 'john@acme.com', time_zone: 'America/Los_Angeles', custom_fields: { shirt_size: 'Medium' } }
          ]
        }
      ],
      [
        '/events',
        {
          events: [
            {
              email: 'john@acme.com',
              action: 'Logged in',
              properties: { affiliate_code: 'XYZ' },
              occurred_at: '2014-03-22T03:00:00Z'
            }
          ]
        }
      ],
      [
        '/subscribers/batches',
        {
          batches: [
            {
              subscribers: [
                {
                  email: 'john@acme.com',
                  time_zone: 'America/Los_Angeles',
                  tags: ['Customer', 'SEO'],
                  custom_fields: { shirt_size: 'Medium' }
                },
                {
                  email: 'joe@acme.com',
                  time_zone: 'America/Los_Angeles',
                  tags: ['Prospect'],
                  custom_fields: { shirt_size: 'Medium' }
                }
              ]
            }
          ]
        }
      ],
      [
        '/events/batches',
        {
          batches: [
            {
              events: [
                { email: 'john@acme.com', action: 'Opened a door' },
                { email: 'joe@acme.com', action: 'Closed a door' }
              ]
            }
          ]
        }
      ]
    ]
    for (const [resource, example] of examples) {
      expect(example).toBeDefined()
      const response = await call('POST', `/v2/${ACCOUNT}${resource}`, example)
      expect({ resource, status: response.status, body: response.body }).toMatchObject({
        resource,
        status: resource.endsWith('batches') ? 201 : resource === '/events' ? 204 : 200
      })
    }
  })

  it("answers 422 in Drip's errors shape for a body Drip would refuse", async () => {
    const response = await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'not-an-email', tags: 'a,b', status: 'maybe' }]
    })
    expect(response.status).toBe(422)
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { code: 'email_error', attribute: 'email', message: 'Email must be a valid email address' },
        { code: 'format_error', attribute: 'tags', message: 'Tags must be array' },
        { code: 'format_error', attribute: 'status', message: 'Status must be one of active, unsubscribed' }
      ])
    )
    expect(people()).toEqual([])
  })

  it('refuses a subscriber without any identity, an event without an action, a bad time and a non-E.164 SMS number', async () => {
    expect((await call('POST', `/v2/${ACCOUNT}/subscribers`, { subscribers: [{ first_name: 'A' }] })).body).toEqual({
      errors: [{ code: 'presence_error', attribute: 'email', message: 'Email is required' }]
    })
    const event = await call('POST', `/v2/${ACCOUNT}/events`, {
      events: [{ email: 'a@b.co', occurred_at: 'yesterday' }]
    })
    expect(event.status).toBe(422)
    expect(event.body.errors).toEqual([
      { code: 'presence_error', attribute: 'action', message: 'Action is required' },
      { code: 'time_error', attribute: 'occurred_at', message: 'Occurred at must be a valid time' }
    ])
    const sms = await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'a@b.co', sms_number: '612-555-1212' }]
    })
    expect(sms.body.errors[0]).toMatchObject({ code: 'sms_error', attribute: 'sms_number' })
  })

  it('takes batches of 1 to 1000 records only', async () => {
    const make = (n: number) => ({
      batches: [{ subscribers: Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com` })) }]
    })
    expect((await call('POST', `/v2/${ACCOUNT}/subscribers/batches`, make(0))).body.errors[0]).toEqual({
      code: 'length_error',
      attribute: 'subscribers',
      message: 'Subscribers must contain between 1 and 1000 items'
    })
    expect((await call('POST', `/v2/${ACCOUNT}/subscribers/batches`, make(1001))).status).toBe(422)
    expect(await call('POST', `/v2/${ACCOUNT}/subscribers/batches`, make(1000))).toMatchObject({
      status: 201,
      body: {}
    })
    expect(people()).toHaveLength(1000)
  })

  it("answers 400 in Drip's {status, error} shape for malformed JSON", async () => {
    const response = await call('POST', `/v2/${ACCOUNT}/events`, '{"events": [')
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^There was a problem in the JSON you submitted/)
    })
  })
})

describe("Drip's semantics", () => {
  it('upserts by email (case-insensitively) and answers 200 with the subscriber', async () => {
    const created = await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'Ada@Example.com', first_name: 'Ada' }]
    })
    expect(created.status).toBe(200)
    expect(created.body.subscribers[0]).toMatchObject({ email: 'Ada@Example.com', first_name: 'Ada', status: 'active' })
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'ada@example.com', last_name: 'Lovelace' }]
    })
    expect(people()).toHaveLength(1)
    expect(people()[0]).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' })
  })

  it('applies initial_status only to new people, and status wins', async () => {
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'n@example.com', initial_status: 'unsubscribed' }]
    })
    expect(person('n@example.com')!.status).toBe('unsubscribed')
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'n@example.com', initial_status: 'active' }]
    })
    expect(person('n@example.com')!.status).toBe('unsubscribed')
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'n@example.com', initial_status: 'unsubscribed', status: 'active' }]
    })
    expect(person('n@example.com')!.status).toBe('active')
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 'm@example.com', initial_status: 'active', status: 'unsubscribed' }]
    })
    expect(person('m@example.com')!.status).toBe('unsubscribed')
  })

  it('adds tags, removes remove_tags, merges custom fields and changes the email with new_email', async () => {
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [{ email: 't@example.com', tags: ['a', 'b'], custom_fields: { plan: 'pro', seats: '3' } }]
    })
    await call('POST', `/v2/${ACCOUNT}/subscribers`, {
      subscribers: [
        {
          email: 't@example.com',
          new_email: 't2@example.com',
          tags: ['c'],
          remove_tags: ['a'],
          custom_fields: { seats: '4' }
        }
      ]
    })
    expect(person('t@example.com')).toBeUndefined()
    expect(person('t2@example.com')).toMatchObject({ tags: ['b', 'c'], custom_fields: { plan: 'pro', seats: '4' } })
  })

  it('stores events with occurred_at, or the time received, and answers 204', async () => {
    const before = Date.now()
    const recorded = await call('POST', `/v2/${ACCOUNT}/events`, {
      events: [{ email: 'e@example.com', action: 'Late', occurred_at: '2026-01-02T03:04:05Z' }]
    })
    expect(recorded).toMatchObject({ status: 204, body: undefined })
    await call('POST', `/v2/${ACCOUNT}/events/batches`, {
      batches: [{ events: [{ email: 'e@example.com', action: 'Now', properties: { value: 1234 } }] }]
    })
    const events = sim.state().accounts.find((a) => a.id === ACCOUNT)!.events
    expect(events[0]).toEqual({
      email: 'e@example.com',
      action: 'Late',
      properties: {},
      occurred_at: '2026-01-02T03:04:05Z'
    })
    expect(events[1]).toMatchObject({ action: 'Now', properties: { value: 1234 } })
    expect(Date.parse(events[1].occurred_at)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('shows its state over HTTP and dumps it to a JSON file', async () => {
    await call('POST', `/v2/${ACCOUNT}/subscribers`, { subscribers: [{ email: 's@example.com' }] })
    const state = await call('GET', '/_simulator/state', undefined, null)
    expect(state.body.accounts.find((a: { id: string }) => a.id === ACCOUNT).people[0].email).toBe('s@example.com')
    const dir = mkdtempSync(path.join(tmpdir(), 'drip-sim-'))
    const file = path.join(dir, 'state.json')
    try {
      sim.dump(file)
      expect(existsSync(file)).toBe(true)
      expect(JSON.parse(readFileSync(file, 'utf8')).accounts[0].people[0].email).toBe('s@example.com')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('rate limits', () => {
  it("answers 429 with Drip's body once the hourly single or batch budget is spent", async () => {
    const limited = new DripSimulator({
      accounts: [{ id: ACCOUNT }],
      tokens: { [TOKEN]: [ACCOUNT] },
      limits: { single: 2, batch: 1 }
    })
    const url = await limited.start()
    const auth = {
      Authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`,
      'Content-Type': 'application/json'
    }
    const post = (resource: string, body: unknown) =>
      fetch(`${url}/v2/${ACCOUNT}/${resource}`, { method: 'POST', headers: auth, body: JSON.stringify(body) })
    try {
      const event = { events: [{ email: 'r@example.com', action: 'x' }] }
      const first = await post('events', event)
      expect([
        first.status,
        first.headers.get('x-ratelimit-limit'),
        first.headers.get('x-ratelimit-remaining')
      ]).toEqual([204, '2', '1'])
      expect((await post('events', event)).headers.get('x-ratelimit-remaining')).toBe('0')
      const third = await post('events', event)
      expect(third.status).toBe(429)
      expect(await third.json()).toEqual({
        message: 'API rate limit exceeded. Please try again in an hour.',
        documentation: 'https://www.getdrip.com/docs/rest-api#rate-limting'
      })
      expect(third.headers.get('x-ratelimit-remaining')).toBe('0')
      const batch = { batches: [{ events: [{ email: 'r@example.com', action: 'x' }] }] }
      expect((await post('events/batches', batch)).status).toBe(201)
      expect((await post('events/batches', batch)).status).toBe(429)
    } finally {
      await limited.stop()
    }
  })
})

describe('the assumption about people Drip does not know', () => {
  it.each([
    [true, ['new@example.com']],
    [false, []]
  ])(
    'eventCreatesPerson %p: an event and a tag for an unknown email leave people %p',
    async (eventCreatesPerson, people) => {
      const own = new DripSimulator({ accounts: [{ id: ACCOUNT }], tokens: { [TOKEN]: [ACCOUNT] }, eventCreatesPerson })
      const url = await own.start()
      const headers = {
        Authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`,
        'Content-Type': 'application/json'
      }
      const post = (path: string, body: unknown) =>
        fetch(`${url}/v2/${ACCOUNT}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
      expect((await post('/events', { events: [{ email: 'new@example.com', action: 'Went' }] })).status).toBe(204)
      expect((await post('/tags', { tags: [{ email: 'new@example.com', tag: 'vip' }] })).status).toBe(201)
      const state = own.state().accounts[0]
      expect(state.people.map((p) => p.email)).toEqual(people)
      expect(state.events.map((e) => e.email)).toEqual(['new@example.com'])
      await own.stop()
    }
  )
})

it('a processed fault lets Drip do the work, then answers late or never: the client cannot know Drip took it', async () => {
  sim.inject({ path: '/subscribers', processed: true, reset: true })
  expect(sim.faultsLeft()).toBe(1)
  const dropped = call('POST', `/v2/${ACCOUNT}/subscribers`, { subscribers: [{ email: 'taken@example.com' }] })
  await expect(dropped).rejects.toThrow()
  expect(sim.faultsLeft()).toBe(0)
  expect(people().map((p) => p.email)).toEqual(['taken@example.com'])

  sim.inject({ path: '/subscribers', processed: true, delayMs: 50 })
  const late = await call('POST', `/v2/${ACCOUNT}/subscribers`, { subscribers: [{ email: 'late@example.com' }] })
  expect(late.status).toBe(200)
  expect(people().map((p) => p.email)).toEqual(['taken@example.com', 'late@example.com'])
})
