import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../tools/simulator'
import { serve, type RunningServer } from '../tools/serve'
import { useSimulator } from './simulated'

const drip = useSimulator()
let server: RunningServer
const settings = { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN }

beforeAll(async () => {
  server = await serve({ port: 0, apiBaseUrl: drip.sim.url })
})
afterAll(() => server.close())

const post = async (route: string, body: unknown) => {
  const response = await fetch(`${server.url}${route}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() }
}

it('GET /manifest answers with the definition', async () => {
  const response = await fetch(`${server.url}/manifest`)
  const manifest = await response.json()
  expect(response.status).toBe(200)
  expect(manifest).toMatchObject({ name: 'Drip (Actions)', slug: 'actions-drip', mode: 'cloud' })
  expect(Object.keys(manifest.actions)).toEqual(['trackEvent', 'identify'])
  expect(manifest.actions.identify.fields.email.label).toBe('Email Address')
})

it('POST /authenticate tests the settings in the body', async () => {
  expect(await post('/authenticate', settings)).toEqual({ status: 200, body: { ok: true } })
  const bad = await post('/authenticate', { ...settings, apiKey: 'wrong-key' })
  expect(bad.body.ok).toBe(false)
  expect(bad.body.error).toMatch(/Drip rejected the API key/)
  expect(bad.body.error).not.toContain('wrong-key')
})

it('POST /<action> runs the action with the default mapping and answers with the exchanges, key redacted', async () => {
  const { status, body } = await post('/identify', {
    payload: { type: 'identify', traits: { email: 'srv@example.com', tags: 'a,b' } },
    settings
  })
  expect(status).toBe(200)
  expect(body).toHaveLength(1)
  expect(body[0].request).toMatchObject({
    method: 'POST',
    url: `${drip.sim.url}/v2/${DEMO_ACCOUNT_ID}/subscribers`,
    headers: { authorization: 'Basic [redacted]' },
    body: { subscribers: [{ email: 'srv@example.com', initial_status: 'unsubscribed', tags: ['a', 'b'] }] }
  })
  expect(body[0].response.status).toBe(200)
  expect(drip.sim.state().accounts[0].people.map((p) => p.email)).toContain('srv@example.com')
})

it('POST /<action> with an array payload runs the batch path', async () => {
  const { body } = await post('/identify', {
    payload: [
      { type: 'identify', traits: { email: 'b1@example.com' } },
      { type: 'identify', traits: { email: 'b2@example.com' } }
    ],
    settings
  })
  expect(body[0].request.url).toBe(`${drip.sim.url}/v2/${DEMO_ACCOUNT_ID}/subscribers/batches`)
  expect(body[1].multistatus.map((r: { status: number }) => r.status)).toEqual([201, 201])
})

it('POST /<action> reports an error the way action-destinations does', async () => {
  const { body } = await post('/trackEvent', { payload: { type: 'track', event: 'x', properties: {} }, settings })
  expect(body).toEqual([
    expect.objectContaining({
      statusCode: 400,
      message: "The root value is missing the required field 'email'.",
      requestError: true
    })
  ])
})

it('redacts credentials Drip echoes back, in the exchanges and in the error', async () => {
  const echoed = `Bad credentials: Basic ${Buffer.from(`${DEMO_API_TOKEN}:`).toString('base64')} for ${DEMO_API_TOKEN}`
  drip.sim.inject({ status: 401, body: { message: echoed } })
  const { body } = await post('/identify', {
    payload: { type: 'identify', traits: { email: 'e@example.com' } },
    settings
  })
  const text = JSON.stringify(body)
  expect(text).toContain('Bad credentials: Basic [redacted] for [redacted]')
  for (const secret of [DEMO_API_TOKEN, Buffer.from(`${DEMO_API_TOKEN}:`).toString('base64')]) {
    expect(text).not.toContain(secret)
  }
})
