import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import Destination from '../../index'
import type { Settings } from '../../generated-types'

const settings: Settings = {
  accountId: '2445926',
  apiKey: 'key'
}

const testDestination = createTestIntegration(Destination)

const DRIP = 'https://api.getdrip.com'

const userDeleted = (email: string) => createTestEvent({ event: 'User Deleted', properties: { email } })

beforeEach(() => {
  testDestination.responses = []
})

describe('Drip.deletePerson', () => {
  it('deletes the person with the default mappings', async () => {
    nock(DRIP).delete('/v2/2445926/subscribers/ada%2Bshop%40example.com').reply(204)

    const responses = await testDestination.testAction('deletePerson', {
      settings,
      event: userDeleted('ada+shop@example.com'),
      useDefaultMappings: true
    })

    expect(responses.length).toBe(1)
    expect(responses[0].options.method).toBe('DELETE')
    expect(responses[0].url).toBe(`${DRIP}/v2/2445926/subscribers/ada%2Bshop%40example.com`)
    expect(responses[0].request.headers.get('authorization')).toBe(`Basic ${Buffer.from('key:').toString('base64')}`)
    expect(testDestination.results[2].data).toEqual({ status: 204, sent: { email: 'ada+shop@example.com' }, body: {} })
  })

  it('counts a person Drip does not have as deleted already', async () => {
    nock(DRIP)
      .delete('/v2/2445926/subscribers/gone%40example.com')
      .reply(404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] })

    await testDestination.testAction('deletePerson', {
      settings,
      event: userDeleted('gone@example.com'),
      useDefaultMappings: true
    })

    expect(testDestination.results[2].data).toEqual({
      status: 404,
      sent: { email: 'gone@example.com' },
      body: { note: 'Drip did not have it: nothing to remove' }
    })
  })

  it('runs for User Deleted events by default (the User Deleted preset), with the person from context', async () => {
    const preset = Destination.presets?.find((p) => p.name === 'User Deleted')
    const scope = nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com').reply(204)

    await testDestination.testAction('deletePerson', {
      settings,
      event: createTestEvent({ event: 'User Deleted', context: { traits: { email: 'ada@example.com' } } }),
      mapping: (preset as { mapping: JSONObject }).mapping
    })

    expect((preset as { subscribe: string }).subscribe).toBe('type = "track" and event = "User Deleted"')
    expect(scope.isDone()).toBe(true)
  })

  it('refuses an email that is not one, before anything is sent', async () => {
    await expect(
      testDestination.testAction('deletePerson', {
        settings,
        event: userDeleted('../../accounts'),
        useDefaultMappings: true
      })
    ).rejects.toThrow('Email Address: "../../accounts" is not a valid email address.')
    expect(testDestination.responses).toHaveLength(0)
  })

  it('refuses to send with an empty API Key, saying where to find one', async () => {
    await expect(
      testDestination.testAction('deletePerson', {
        settings: { accountId: '2445926', apiKey: ' ' },
        event: userDeleted('ada@example.com'),
        useDefaultMappings: true
      })
    ).rejects.toMatchObject({
      name: 'InvalidAuthenticationError',
      message: "The API Key setting is empty: paste the API token from Drip's User Settings."
    })
    expect(testDestination.responses).toHaveLength(0)
  })

  describe("Drip's errors", () => {
    const remove = () =>
      testDestination.testAction('deletePerson', {
        settings,
        event: userDeleted('ada@example.com'),
        useDefaultMappings: true
      })

    it('401 and 403: the API key is refused, or has no access to the account', async () => {
      nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com').reply(401, {})
      await expect(remove()).rejects.toMatchObject({ name: 'InvalidAuthenticationError' })
      nock(DRIP)
        .delete('/v2/2445926/subscribers/ada%40example.com')
        .reply(403, { errors: [{ code: 'authorization_error', message: 'You are not authorized' }] })
      await expect(remove()).rejects.toMatchObject({
        name: 'InvalidAuthenticationError',
        message: 'The API key has no access to Drip account 2445926 (403: You are not authorized).'
      })
    })

    it("422: refused, with Drip's message", async () => {
      nock(DRIP)
        .delete('/v2/2445926/subscribers/ada%40example.com')
        .reply(422, { errors: [{ code: 'state_error', message: 'Subscriber cannot be deleted' }] })
      await expect(remove()).rejects.toMatchObject({
        name: 'PayloadValidationError',
        message: 'Drip refused the request: Subscriber cannot be deleted [state_error]'
      })
    })

    it('429: retried later', async () => {
      nock(DRIP).delete('/v2/2445926/subscribers/ada%40example.com').reply(429, {})
      await expect(remove()).rejects.toMatchObject({ name: 'RetryableError', status: 429 })
    })
  })

  // The destination's onDelete (Segment's user deletion requests) runs this action's path.
  describe("Segment's deletion requests", () => {
    // What Segment sends: a userId and an anonymousId, nothing else.
    const deletion = (userId: string | null) => {
      const request = { type: 'delete', userId, anonymousId: 'a-1' }
      return request as unknown as SegmentEvent
    }

    it('delete the person whose userId is an email', async () => {
      const scope = nock(DRIP, { reqheaders: { authorization: `Basic ${Buffer.from('key:').toString('base64')}` } })
        .delete('/v2/2445926/subscribers/ada%40example.com')
        .reply(204)

      await testDestination.onDelete?.(deletion('ada@example.com'), settings as unknown as JSONObject)

      expect(scope.isDone()).toBe(true)
    })

    it('delete no one, and say why, when the userId is not an email', async () => {
      await expect(testDestination.onDelete?.(deletion('u-42'), settings as unknown as JSONObject)).rejects.toThrow(
        `Drip finds people by email, and this deletion request's userId ("u-42") is not one, so nothing was deleted.`
      )
    })
  })
})
