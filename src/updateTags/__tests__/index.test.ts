import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import Destination from '../../index'
import type { Settings } from '../../generated-types'

const settings: Settings = {
  accountId: '2445926',
  apiKey: 'key'
}

const testDestination = createTestIntegration(Destination)

const DRIP = 'https://api.getdrip.com'

const person = (properties: Record<string, unknown> = {}) =>
  createTestEvent({ event: 'Tagged', properties: { email: 'ada@example.com', ...properties } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.updateTags', () => {
  it('applies the tags in one request and takes each one to remove off in its own', async () => {
    nock(DRIP)
      .post('/v2/2445926/tags', {
        tags: [
          { email: 'ada@example.com', tag: 'vip' },
          { email: 'ada@example.com', tag: 'beta' }
        ]
      })
      .reply(201, {})
    // Drip answers 404 for a tag the person does not have: taken off already.
    nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com/tags/trial%20user').reply(404, {})

    const responses = await testDestination.testAction('updateTags', {
      settings,
      event: person(),
      mapping: { tags: 'vip, beta', remove_tags: ['trial user'] },
      useDefaultMappings: true
    })

    expect(responses.map((response) => [response.options.method, response.url])).toEqual([
      ['POST', `${DRIP}/v2/2445926/tags`],
      ['DELETE', `${DRIP}/v2/2445926/subscribers/ada%40example.com/tags/trial%20user`]
    ])
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(testDestination.results[2].data).toEqual({
      status: 404,
      sent: { email: 'ada@example.com', tags: ['vip', 'beta'], remove_tags: ['trial user'] },
      body: { note: 'Drip did not have it: nothing to remove' }
    })
  })

  it("tags the people who enter an Engage audience with the audience's key (the Audience Entered preset)", async () => {
    const preset = Destination.presets?.find((p) => p.name === 'Audience Entered')
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'ada@example.com', tag: 'big_spenders' }] })
      .reply(201, {})

    await testDestination.testAction('updateTags', {
      settings,
      event: createTestEvent({
        event: 'Audience Entered',
        context: {
          traits: { email: 'ada@example.com' },
          personas: { computation_class: 'audience', computation_key: 'big_spenders' }
        },
        properties: { audience_key: 'big_spenders', big_spenders: true }
      }),
      mapping: (preset as { mapping: JSONObject }).mapping
    })

    expect(nock.isDone()).toBe(true)
  })

  it('refuses a change with no tags at all, and a tag to remove that would leave its place in the URL', async () => {
    await expect(
      testDestination.testAction('updateTags', { settings, event: person(), useDefaultMappings: true })
    ).rejects.toThrow('Tags to Add and Tags to Remove are both empty. There is nothing to change.')
    await expect(
      testDestination.testAction('updateTags', {
        settings,
        event: person(),
        mapping: { remove_tags: '../admin' },
        useDefaultMappings: true
      })
    ).rejects.toThrow(/^Tags to Remove: "\.\.\/admin" cannot be sent to Drip: it contains "\/"/)
    expect(testDestination.responses).toHaveLength(0)
  })

  it("sends a batch of 72 or more as people with tags and remove_tags in one subscribers' batch", async () => {
    nock(DRIP).post('/v2/2445926/subscribers/batches').reply(201, {})
    const events = Array.from({ length: 72 }, (_, n) => person({ email: `p${n}@example.com` }))

    const responses = await testDestination.testBatchAction('updateTags', {
      settings,
      events,
      mapping: { tags: 'vip', remove_tags: 'trial' },
      useDefaultMappings: true
    })

    const subscribers = Array.from({ length: 72 }, (_, n) => ({
      email: `p${n}@example.com`,
      tags: ['vip'],
      remove_tags: ['trial']
    }))
    expect(responses.length).toBe(1)
    expect(responses[0].options.body).toBe(JSON.stringify({ batches: [{ subscribers }] }))
    expect(testDestination.results[0].multistatus?.[0]).toEqual({ status: 201, sent: subscribers[0], body: {} })
  })

  it('sends a small batch person by person, each with its own result', async () => {
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'p0@example.com', tag: 'vip' }] })
      .reply(201, {})
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'p1@example.com', tag: 'vip' }] })
      .reply(401, { errors: [{ code: 'authentication_error', message: 'Invalid API token' }] })

    await testDestination.testBatchAction('updateTags', {
      settings,
      events: [person({ email: 'p0@example.com' }), person({ email: 'p1@example.com' })],
      mapping: { tags: 'vip' },
      useDefaultMappings: true
    })

    expect(testDestination.results[0].multistatus).toEqual([
      { status: 201, sent: { email: 'p0@example.com', tags: ['vip'] }, body: {} },
      {
        status: 401,
        errortype: 'INVALID_AUTHENTICATION',
        errormessage: 'Drip rejected the API key (401: Invalid API token). Check the API Key setting.',
        sent: { email: 'p1@example.com', tags: ['vip'] },
        errorreporter: 'DESTINATION'
      }
    ])
  })

  it('takes the tag off the people whose row left the model (warehouse sync mode Mirror)', async () => {
    const scope = nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com/tags/trial-step-3').reply(204)

    await testDestination.testAction('updateTags', {
      settings,
      event: createTestEvent({ event: 'deleted', properties: { email: 'ada@example.com' } }),
      mapping: { __segment_internal_sync_mode: 'mirror', tags: 'trial-step-3' },
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
  })

  it('in a batch, adds the tag for rows entering the model and takes it off for rows leaving it (Mirror)', async () => {
    nock(DRIP)
      .post('/v2/2445926/tags', { tags: [{ email: 'new@example.com', tag: 'trial-step-3' }] })
      .reply(201, {})
    nock(DRIP).delete('/v2/2445926/subscribers/gone%40example.com/tags/trial-step-3').reply(204)

    await testDestination.testBatchAction('updateTags', {
      settings,
      events: [
        createTestEvent({ event: 'new', properties: { email: 'new@example.com' } }),
        createTestEvent({ event: 'deleted', properties: { email: 'gone@example.com' } })
      ],
      mapping: { __segment_internal_sync_mode: 'mirror', tags: 'trial-step-3' },
      useDefaultMappings: true
    })

    expect(testDestination.results[0].multistatus).toEqual([
      { status: 201, sent: { email: 'new@example.com', tags: ['trial-step-3'] }, body: {} },
      { status: 204, sent: { email: 'gone@example.com', remove_tags: ['trial-step-3'] }, body: {} }
    ])
  })

  describe("Drip's errors", () => {
    const tag = () =>
      testDestination.testAction('updateTags', {
        settings,
        event: person(),
        mapping: { tags: 'vip' },
        useDefaultMappings: true
      })

    it("422: the tag is refused, with Drip's message", async () => {
      nock(DRIP)
        .post('/v2/2445926/tags')
        .reply(422, { errors: [{ code: 'length_error', attribute: 'tag', message: 'Tag is too long' }] })
      await expect(tag()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the tag: Tag is too long [length_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).post('/v2/2445926/tags').reply(429, { message: 'API rate limit exceeded.' })
      await expect(tag()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })

  it("lists the account's tags to pick from, page by page", async () => {
    nock(DRIP)
      .get('/v2/2445926/tags')
      .query({ page: '1', per_page: '100' })
      .reply(200, { tags: ['vip', 'beta'], meta: { page: 1, total_pages: 2 } })

    const picked = await testDestination.testDynamicField('updateTags', 'tags', { settings, payload: {} })

    expect(picked).toEqual({
      choices: [
        { label: 'vip', value: 'vip' },
        { label: 'beta', value: 'beta' }
      ],
      nextPage: '2'
    })
  })
})
