import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { serve, type RunningServer } from '../../tools/serve'
import { useSimulator } from '../simulated'

// What serve answers a payload that cannot be a Segment event, and a mapping it refuses: a real HTTP 400 with a message
// saying what is wrong, and nothing sent to Drip. (serve.test.ts holds bodies that are no JSON object.)

jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))

const drip = useSimulator()
let server: RunningServer
const settings = { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN }

beforeAll(async () => {
  server = await serve({ port: 0, simulatorUrl: drip.sim.url })
})
afterAll(() => server.close())

async function post(route: string, body: string) {
  const response = await fetch(`${server.url}${route}`, { method: 'POST', body })
  return { status: response.status, body: await response.json() }
}

it.each([
  ['null', null, 'not null'],
  ['a string', 'a@example.com', 'not "a@example.com"'],
  ['a number', 7, 'not 7'],
  ['an array holding null', [{ traits: { email: 'a@example.com' } }, null], 'its element 1 is null']
])('a payload that is %s: a real 400 in the shape of an error of the local server', async (_name, payload, said) => {
  const { status, body } = await post('/identify', JSON.stringify({ payload, settings }))
  expect(status).toBe(400)
  expect(body).toEqual([
    {
      statusCode: 400,
      message: expect.stringMatching(new RegExp(`^"payload" must be a Segment event.*${escape(said)}$`)),
      fields: {},
      requestError: true
    }
  ])
  expect(drip.sim.received).toEqual([])
})

it('a refused mapping key is the HTTP status itself, 400, not a 400 inside a 200', async () => {
  const payload = { type: 'identify', traits: { email: 'a@example.com' } }
  const response = await fetch(`${server.url}/identify`, {
    method: 'POST',
    body: JSON.stringify({ payload, settings, mapping: { emial: { '@path': '$.traits.email' } } })
  })
  expect(response.status).toBe(400)
  const [error] = await response.json()
  expect(error).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^"emial" is no field of identify; /) })
  expect(drip.sim.received).toEqual([])
})

it('a payload that is an event, or an array of events, goes to Drip (the checks refuse nothing else)', async () => {
  const one = await post('/identify', JSON.stringify({ payload: { traits: { email: 'one@example.com' } }, settings }))
  expect(one.status).toBe(200)
  const many = await post(
    '/identify',
    JSON.stringify({
      payload: [{ traits: { email: 'a@example.com' } }, { traits: { email: 'b@example.com' } }],
      settings
    })
  )
  expect(many.status).toBe(200)
  expect(drip.sim.received.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'POST /v2/9999999/subscribers 200',
    'POST /v2/9999999/subscribers 200',
    'POST /v2/9999999/subscribers 200'
  ])
})

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
