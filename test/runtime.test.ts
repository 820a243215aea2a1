import nock from 'nock'
import {
  ACCOUNT_ID,
  API_TOKEN,
  ENCODED_KEY,
  basicUser,
  intercept,
  runtime,
  runtimeSettings,
  segmentEvent
} from './helpers'

// The destination as Segment's cloud runtime drives it: new Destination(definition), the presets as subscriptions,
// settings validation and FQL matching included.

afterEach(() => nock.cleanAll())

describe('Destination.onEvent', () => {
  it.each([
    ['raw', API_TOKEN],
    ['pre-encoded', ENCODED_KEY]
  ])('delivers a track call as a Drip event with a %s API key', async (_kind, apiKey) => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/events`, 204)
    const results = await runtime().onEvent(
      segmentEvent({ type: 'track', event: 'Viewed Plan', properties: { plan: 'pro', email: 'ada@example.com' } }),
      runtimeSettings({ apiKey })
    )
    expect(results).toEqual([
      { output: 'Mappings resolved' },
      { output: 'Payload validated' },
      { output: 'Action Executed', data: '' },
      { output: 'not subscribed' }
    ])
    expect(calls).toHaveLength(1)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].body).toEqual({
      events: [
        { email: 'ada@example.com', action: 'Viewed Plan', properties: { plan: 'pro', email: 'ada@example.com' } }
      ]
    })
  })

  it.each([
    ['raw', API_TOKEN],
    ['pre-encoded', ENCODED_KEY]
  ])('delivers an identify call as a Drip subscriber with a %s API key', async (_kind, apiKey) => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers`, 200, { subscribers: [{ id: 'abc' }] })
    await runtime().onEvent(
      segmentEvent({
        type: 'identify',
        userId: 'u-1',
        traits: { email: 'ada@example.com', tags: 'trial', custom_fields: { plan: 'pro' } },
        context: { ip: '198.51.100.4', timezone: 'Europe/Paris' }
      }),
      runtimeSettings({ apiKey })
    )
    expect(calls).toHaveLength(1)
    expect(calls[0].path).toBe(`/v2/${ACCOUNT_ID}/subscribers`)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    expect(calls[0].body).toEqual({
      subscribers: [
        {
          email: 'ada@example.com',
          custom_fields: { plan: 'pro' },
          ip_address: '198.51.100.4',
          initial_status: 'unsubscribed',
          tags: ['trial'],
          time_zone: 'Europe/Paris'
        }
      ]
    })
  })

  it('matches no preset for a call type it has no mapping for, and sends nothing', async () => {
    const results = await runtime().onEvent(segmentEvent({ type: 'screen', name: 'Home' }), runtimeSettings())
    expect(results).toEqual([{ output: 'not subscribed' }, { output: 'not subscribed' }])
  })

  it('refuses a non-numeric Account ID before any request', async () => {
    await expect(
      runtime().onEvent(
        segmentEvent({ type: 'track', event: 'x', properties: { email: 'a@example.com' } }),
        runtimeSettings({ accountId: 'my-shop' })
      )
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^The Account ID setting must be/) })
  })

  it('refuses settings without an API key', async () => {
    const bad = runtimeSettings()
    delete bad.apiKey
    await expect(
      runtime().onEvent(segmentEvent({ type: 'track', event: 'x', properties: { email: 'a@example.com' } }), bad)
    ).rejects.toThrow(/apiKey/)
  })
})

describe('Destination.onBatch', () => {
  it('delivers identify calls in one batch request, one successful result per event', async () => {
    const calls = intercept('post', `/v2/${ACCOUNT_ID}/subscribers/batches`, 201, {})
    const settings = runtimeSettings({ apiKey: ENCODED_KEY }, { identify: { enable_batching: true } })
    // Only the identify preset: the track preset's Track Event has no batch path yet.
    ;(settings.subscriptions as Array<{ partnerAction: string }>).splice(0, 1)
    const results = await runtime().onBatch(
      [
        segmentEvent({ type: 'identify', traits: { email: 'a1@example.com', tags: 'x,y' } }),
        segmentEvent({ type: 'identify', traits: { email: 'a2@example.com' }, context: { ip: '2001:db8::7' } }),
        segmentEvent({ type: 'identify', traits: { email: 'a3@example.com', status: 'active' } })
      ],
      settings
    )
    expect(calls).toHaveLength(1)
    expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    const subscribers = [
      { email: 'a1@example.com', initial_status: 'unsubscribed', tags: ['x', 'y'] },
      { email: 'a2@example.com', initial_status: 'unsubscribed', ip_address: '2001:db8::7' },
      { email: 'a3@example.com', initial_status: 'unsubscribed', status: 'active' }
    ]
    expect(calls[0].body).toEqual({ batches: [{ subscribers }] })
    expect(results).toEqual([{ multistatus: subscribers.map((sent) => ({ status: 201, sent, body: {} })) }])
  })
})

describe('Destination.testAuthentication', () => {
  const accounts = {
    accounts: [
      { id: '7654321', name: 'Other' },
      { id: ACCOUNT_ID, name: 'Acme' }
    ]
  }

  it('passes for a key that can use the account, raw or pre-encoded', async () => {
    for (const apiKey of [API_TOKEN, ENCODED_KEY]) {
      const calls = intercept('get', '/v2/accounts', 200, accounts)
      await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey })).resolves.toBeUndefined()
      expect(basicUser(calls[0].headers.authorization)).toBe(API_TOKEN)
    }
  })

  it('fails with "Drip rejected the API key" for a rejected key, never echoing it', async () => {
    intercept('get', '/v2/accounts', 401, { errors: [{ code: 'authentication_error', message: 'Unauthorized' }] })
    const error = await runtime()
      .testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(/Drip rejected the API key/)
    expect((error as Error).message).not.toContain(API_TOKEN)
  })

  it('fails naming the account id when the key cannot use that account', async () => {
    intercept('get', '/v2/accounts', 200, { accounts: [{ id: '7654321', name: 'Other' }] })
    await expect(runtime().testAuthentication({ accountId: ACCOUNT_ID, apiKey: API_TOKEN })).rejects.toThrow(
      new RegExp(`cannot use account ${ACCOUNT_ID}`)
    )
  })
})
