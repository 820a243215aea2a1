import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN } from '../../tools/simulator'
import { MAX_BODY_BYTES, portFrom, serve, type RunningServer } from '../../tools/serve'
import { createServer, request as httpRequest, type Server } from 'http'
import type { AddressInfo } from 'net'
import { useSimulator } from '../simulated'
import { DRIP_API_BASE_URL } from '../../src/constants'

// serve runs the destination as Segment does: small batches as single requests (the real threshold, not setup.ts's).
jest.mock('../../src/constants', () => jest.requireActual('../../src/constants'))

const drip = useSimulator()
let server: RunningServer
const settings = { accountId: DEMO_ACCOUNT_ID, apiKey: DEMO_API_TOKEN }

beforeAll(async () => {
  server = await serve({ port: 0, simulatorUrl: drip.sim.url })
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
  expect(Object.keys(manifest.actions)).toEqual([
    'trackEvent',
    'identify',
    'orderActivity',
    'cartActivity',
    'productActivity',
    'updateTags',
    'unsubscribe',
    'deletePerson',
    'subscribeToCampaign',
    'startWorkflow',
    'removeFromWorkflow',
    'syncAudience'
  ])
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
  // The shapes of action-destinations' local server: the request body as sent, the answer's statusCode.
  expect(body[0].request).toMatchObject({
    method: 'POST',
    url: `${DRIP_API_BASE_URL}/v2/${DEMO_ACCOUNT_ID}/subscribers`,
    headers: { authorization: '<redacted>' },
    body: JSON.stringify({
      subscribers: [{ email: 'srv@example.com', initial_status: 'unsubscribed', tags: ['a', 'b'] }]
    })
  })
  expect(body[0].response).toMatchObject({ statusCode: 200, statusMessage: 'OK' })
  expect(Object.keys(body[0])).toEqual(['request', 'response'])
  expect(drip.sim.state().accounts[0].people.map((p) => p.email)).toContain('srv@example.com')
})

it('POST /<action> with an array payload runs the batch path (two events: two single requests)', async () => {
  const { body } = await post('/identify', {
    payload: [
      { type: 'identify', traits: { email: 'b1@example.com' } },
      { type: 'identify', traits: { email: 'b2@example.com' } }
    ],
    settings
  })
  expect(body.slice(0, 2).map((x: { request: { url: string } }) => x.request.url)).toEqual([
    `${DRIP_API_BASE_URL}/v2/${DEMO_ACCOUNT_ID}/subscribers`,
    `${DRIP_API_BASE_URL}/v2/${DEMO_ACCOUNT_ID}/subscribers`
  ])
  expect(body[2].multistatus.map((r: { status: number }) => r.status)).toEqual([200, 200])
})

it('POST /<action> reports an error the way action-destinations does', async () => {
  const { status, body } = await post('/trackEvent', {
    payload: { type: 'track', event: 'x', properties: {} },
    settings
  })
  // The event's own error, in a 200 reply, as action-destinations' server answers it.
  expect(status).toBe(200)
  expect(body).toEqual([
    {
      statusCode: 400,
      message: "The root value is missing the required field 'email'.",
      stack: expect.arrayContaining([expect.stringMatching(/Error/)]),
      // As action-destinations' server words it: the path of the error, here the root.
      fields: { $: "The root value is missing the required field 'email'." },
      requestError: true
    }
  ])
})

it('refuses a mapping key that is no field of the action with a 400, naming it and the fields (with their labels)', async () => {
  const payload = { type: 'track', event: 'Audience Entered', properties: { email: 'a@example.com' } }
  const { status, body } = await post('/updateTags', { payload, settings, mapping: { tags_to_add: 'vip' } })
  // The request is wrong, not the event: a real 400, with the body of an error of action-destinations' server.
  expect(status).toBe(400)
  expect(body).toEqual([
    {
      statusCode: 400,
      message:
        '"tags_to_add" is no field of updateTags; its fields are email (Email Address), tags (Tags to Add), ' +
        'remove_tags (Tags to Remove), batch_size (Batch Size), enable_batching (Enable Batching?)',
      fields: {},
      requestError: true
    }
  ])
  expect(await post('/updateTags', { payload, settings, mapping: 'bad' })).toEqual({
    status: 400,
    body: [
      expect.objectContaining({
        statusCode: 400,
        message: '"mapping" must be an object of field keys and values, not "bad"'
      })
    ]
  })
  // Nothing was sent.
  expect(drip.sim.received).toEqual([])
})

it.each([
  ['null', null, 'null'],
  ['an array', [{ payload: {} }], 'an array'],
  ['a string', 'identify', '"identify"'],
  ['a number', 42, '42'],
  ['false', false, 'false']
])('answers a body that is %s with 400 and says what the route takes', async (_, value, shownAs) => {
  const takes = {
    '/authenticate': 'the settings: {"accountId", "apiKey"}',
    '/identify': '{"payload", "settings", "mapping"}',
    '/subscribeToCampaign/campaign_id': '{"settings", "payload", "page"}'
  }
  for (const [route, expected] of Object.entries(takes)) {
    expect(await post(route, value)).toEqual({
      status: 400,
      body: { error: `the request body must be a JSON object (${expected}), not ${shownAs}` }
    })
  }
  expect(drip.sim.received).toEqual([])
})

it.each([
  ['null', null, 'a Segment event (a JSON object) or an array of them, not null'],
  ['a string', 'a@example.com', 'a Segment event (a JSON object) or an array of them, not "a@example.com"'],
  ['a number', 7, 'a Segment event (a JSON object) or an array of them, not 7'],
  [
    'an array holding null',
    [{ traits: { email: 'a@example.com' } }, null],
    'a Segment event or an array of them; its element 1 is null'
  ]
])(
  'answers a payload that is %s with a real 400, in the shape of an error of the local server',
  async (_, payload, must) => {
    expect(await post('/identify', { payload, settings })).toEqual({
      status: 400,
      body: [{ statusCode: 400, message: `"payload" must be ${must}`, fields: {}, requestError: true }]
    })
    expect(drip.sim.received).toEqual([])
  }
)

it('answers a body that is not JSON with 400, and no body at all as an empty object (as express.json() reads it)', async () => {
  const response = await fetch(`${server.url}/identify`, { method: 'POST', body: '{"payload":' })
  expect(response.status).toBe(400)
  expect((await response.json()).error).toMatch(/^the request body is not JSON: /)
  const empty = await fetch(`${server.url}/authenticate`, { method: 'POST' })
  expect(empty.status).toBe(200)
  expect(await empty.json()).toMatchObject({ ok: false })
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

it('answers the authentication test with one space after "Credentials are invalid:"', async () => {
  const bad = await post('/authenticate', { ...settings, apiKey: 'wrong-key' })
  expect(bad.body).toEqual({
    ok: false,
    error: expect.stringMatching(/^Credentials are invalid: Drip rejected the API key/),
    fields: {}
  })
})

it('gives each of 200 concurrent requests its own exchanges', async () => {
  const replies = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      post('/identify', { payload: { type: 'identify', traits: { email: `c${i}@example.com` } }, settings })
    )
  )
  replies.forEach(({ status, body }, i) => {
    expect(status).toBe(200)
    expect(body).toHaveLength(1)
    expect(JSON.parse(body[0].request.body).subscribers[0].email).toBe(`c${i}@example.com`)
    expect(body[0].response.body.subscribers[0].email).toBe(`c${i}@example.com`)
  })
})

it('answers a body over the limit with 413 and keeps serving', async () => {
  const response = await fetch(`${server.url}/identify`, {
    method: 'POST',
    body: Buffer.alloc(MAX_BODY_BYTES + 1, 'a')
  }).catch((error: Error) => error)
  // The server may close the connection while the body is still going out; either way it must not die.
  if (!(response instanceof Error)) {
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: 'the request body is over 10 MB' })
  }
  expect((await fetch(`${server.url}/manifest`)).status).toBe(200)
})

it('survives a client that goes away mid-upload', async () => {
  await new Promise<void>((resolve) => {
    const req = httpRequest(`${server.url}/identify`, { method: 'POST', headers: { 'Content-Length': '100000' } })
    req.on('error', () => resolve())
    req.write('{"payload":', () => setTimeout(() => req.destroy(), 50))
    req.on('close', () => resolve())
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect((await fetch(`${server.url}/manifest`)).status).toBe(200)
})

it('takes PORT as a whole number, and says so otherwise', () => {
  expect(portFrom({})).toBe(3000)
  expect(portFrom({ PORT: '3917' })).toBe(3917)
  expect(() => portFrom({ PORT: 'abc' })).toThrow('PORT must be a whole number from 0 to 65535, not "abc"')
  expect(() => portFrom({ PORT: '70000' })).toThrow('PORT must be a whole number')
})

it('POST /<action>/<field> fills a picker from the account, as the Actions Tester asks', async () => {
  const { status, body } = await post('/subscribeToCampaign/campaign_id', { settings })
  expect(status).toBe(200)
  expect(body).toEqual({ choices: [{ label: 'Welcome Series', value: '1001', description: 'active' }] })
  const bad = await post('/startWorkflow/workflow_id', { settings: { ...settings, apiKey: 'wrong' } })
  expect(bad.body).toEqual({
    choices: [],
    error: { message: expect.stringMatching(/^Drip rejected the API key/), code: '401' }
  })
})

describe('a Drip that echoes the key in its headers, reason phrase and body', () => {
  // 33 characters: base64 of `token:` and of `token:\n` are both padded, so each has an unpadded form too.
  const TOKEN = 'echoed-drip-token-0123456789abcde'
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  const pastedForms = {
    'the token': TOKEN,
    'the token with blanks around it': `  ${TOKEN} \n`,
    'base64 of token:': b64(`${TOKEN}:`),
    'base64 of token: and a newline': b64(`${TOKEN}:\n`),
    'base64 of token: and CRLF': b64(`${TOKEN}:\r\n`)
  }
  /** Every form of a pasted key: as pasted, the token, base64 of `token:` (newline or not) and of the token, padded or not. */
  const formsOf = (pasted: string) => {
    const encoded = [`${TOKEN}:`, `${TOKEN}:\n`, TOKEN].map(b64)
    return [...new Set([pasted.trim(), TOKEN, ...encoded, ...encoded.map((e) => e.replace(/=+$/, ''))])]
  }

  let fake: Server
  let fakeUrl: string
  let echoServer: RunningServer
  let answer = { status: 200, forms: [] as string[] }

  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const { status, forms } = answer
        res.setHeader(
          'Set-Cookie',
          forms.map((form, i) => `session${i}=${form}; Path=/; HttpOnly`)
        )
        res.setHeader('WWW-Authenticate', `Basic realm="${forms.join(' ')}"`)
        forms.forEach((form, i) => res.setHeader(`X-Echo-${i}`, form))
        res.setHeader('X-Proxy-Seen', `Basic ${forms.join(', ')}`)
        res.setHeader(`X-${TOKEN}`, 'a header named by the key')
        res.setHeader('Content-Type', 'application/json')
        res.writeHead(status, `Echo ${forms.join(' ')}`)
        res.end(JSON.stringify({ message: `seen: ${forms.join(' ')}`, subscribers: [], accounts: [] }))
      })
    })
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve))
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`
    echoServer = await serve({ port: 0, simulatorUrl: fakeUrl })
  })
  afterAll(async () => {
    await echoServer.close()
    await new Promise((resolve) => fake.close(resolve))
  })

  /** The whole reply as a client sees it: status line, headers and body. */
  const rawReply = async (route: string, body: unknown) => {
    const response = await fetch(`${echoServer.url}${route}`, { method: 'POST', body: JSON.stringify(body) })
    const headers: string[] = []
    response.headers.forEach((value, name) => headers.push(`${name}: ${value}`))
    return `${response.status} ${response.statusText}\n${headers.join('\n')}\n\n${await response.text()}`
  }

  const identify = { type: 'identify', traits: { email: 'echo@example.com' } }
  const calls: Array<[string, number, string, (apiKey: string) => unknown]> = [
    [
      'an action Drip answers',
      200,
      '/identify',
      (apiKey) => ({ payload: identify, settings: { accountId: '12345', apiKey } })
    ],
    [
      'an action Drip fails',
      500,
      '/identify',
      (apiKey) => ({ payload: identify, settings: { accountId: '12345', apiKey } })
    ],
    [
      'a batch',
      200,
      '/identify',
      (apiKey) => ({ payload: [identify, identify], settings: { accountId: '12345', apiKey } })
    ],
    ['the authentication test', 401, '/authenticate', (apiKey) => ({ accountId: '12345', apiKey })],
    ['a picker', 403, '/subscribeToCampaign/campaign_id', (apiKey) => ({ settings: { accountId: '12345', apiKey } })]
  ]

  for (const [pastedAs, pasted] of Object.entries(pastedForms)) {
    it.each(calls)(
      `leaks no form of the key pasted as ${pastedAs}: %s (Drip answers %d)`,
      async (_, status, route, body) => {
        const forms = formsOf(pasted)
        expect(forms.filter((form) => form.endsWith('='))).toHaveLength(2)
        answer = { status, forms }
        const text = await rawReply(route, body(pasted))
        expect(text).toContain('[redacted]')
        for (const form of forms) expect(text).not.toContain(form)
      }
    )
  }

  it('shows the headers and reason phrase Drip answered with, each form of the key replaced', async () => {
    answer = { status: 200, forms: formsOf(TOKEN) }
    const response = await fetch(`${echoServer.url}/identify`, {
      method: 'POST',
      body: JSON.stringify({ payload: identify, settings: { accountId: '12345', apiKey: TOKEN } })
    })
    const [exchange] = await response.json()
    const redacted = answer.forms.map(() => '[redacted]')
    expect(exchange.response.statusCode).toBe(200)
    expect(exchange.response.statusMessage).toBe(`Echo ${redacted.join(' ')}`)
    expect(exchange.response.headers).toMatchObject({
      'www-authenticate': `Basic realm="${redacted.join(' ')}"`,
      'x-echo-0': '[redacted]',
      'x-proxy-seen': `Basic ${redacted.join(', ')}`,
      'x-[redacted]': 'a header named by the key',
      'set-cookie': redacted.map((r, i) => `session${i}=${r}; Path=/; HttpOnly`).join(', ')
    })
  })
})
