import nock from 'nock'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import definition from '../../src'
import { ACCOUNT_ID, intercept, runtime, settings, segmentEvent } from '../helpers'

// Segment's Consent Management reaches Drip's eu_consent as the admin configured it: the category the admin names in
// Identify's Consent Category, true granted and false denied, with the message from the template, and on a denial an
// unsubscribe if the admin picked it. No consent object, or one without that category, changes nothing.

afterEach(() => nock.cleanAll())

const base = `/v2/${ACCOUNT_ID}`
const preset = (name: string) => (definition.presets ?? []).find((p) => p.name === name)!

/** Settings with one preset as the only subscription, its mapping changed by `changes`. */
const withPreset = (name: string, changes: JSONObject = {}) => {
  const chosen = preset(name)
  const subscribe = chosen.type === 'automatic' ? chosen.subscribe : ''
  return {
    ...settings,
    subscriptions: [{ partnerAction: chosen.partnerAction, subscribe, mapping: { ...chosen.mapping, ...changes } }]
  } as unknown as JSONObject
}

const CONFIGURED = {
  consent_category: 'Marketing',
  consent_message_template: 'Marketing emails ({category}), as chosen in our consent banner'
}

/** The person as Drip gets them when the consent object grants Marketing, with the configured message. */
const GRANTED = {
  email: 'ada@example.com',
  user_id: 'u-1',
  eu_consent: 'granted',
  eu_consent_message: 'Marketing emails (Marketing), as chosen in our consent banner',
  initial_status: 'unsubscribed'
}

const consented = (categoryPreferences: JSONObject | undefined, traits: JSONObject = {}): SegmentEvent =>
  segmentEvent({
    type: 'identify',
    userId: 'u-1',
    traits: { email: 'ada@example.com', ...traits },
    context: categoryPreferences ? { consent: { categoryPreferences } } : {}
  })

async function personSent(event: SegmentEvent, subscriptions: JSONObject) {
  const people = intercept('post', `${base}/subscribers`, 200, { subscribers: [{ id: 'p1' }] })
  const results = await runtime().onEvent(event, subscriptions)
  expect(people).toHaveLength(1)
  const executed = (results as Array<{ output?: string; data?: { notes?: string[] } }>).find(
    (r) => r.output === 'Action Executed'
  )
  return { person: (people[0].body as { subscribers: JSONObject[] }).subscribers[0], notes: executed?.data?.notes }
}

describe('Identify: EU Consent from the consent object', () => {
  it('granted: the category true becomes granted, with the message from the template', async () => {
    const { person, notes } = await personSent(
      consented({ Marketing: true, Analytics: false }),
      withPreset('Identify', CONFIGURED)
    )
    expect(person).toEqual(GRANTED)
    expect(notes).toBeUndefined()
  })

  it('revoked: the category false becomes denied, and the person stays subscribed unless the admin picked otherwise', async () => {
    const { person } = await personSent(consented({ Marketing: false }), withPreset('Identify', CONFIGURED))
    expect(person).toEqual({
      email: 'ada@example.com',
      user_id: 'u-1',
      eu_consent: 'denied',
      eu_consent_message: 'Marketing emails (Marketing), as chosen in our consent banner',
      initial_status: 'unsubscribed'
    })
  })

  it('revoked with Unsubscribe When Consent Is Denied: denied and unsubscribed, over a mapped status', async () => {
    const { person, notes } = await personSent(
      consented({ Marketing: false }, { status: 'active' }),
      withPreset('Identify', { ...CONFIGURED, unsubscribe_on_denied: true })
    )
    expect(person).toMatchObject({ eu_consent: 'denied', status: 'unsubscribed' })
    expect(notes).toEqual(['Status: "unsubscribed" (consent to "Marketing" denied) was kept over "active" as mapped.'])
  })

  it('the consent object wins over an EU Consent trait, and says so', async () => {
    const { person, notes } = await personSent(
      consented({ Marketing: false }, { eu_consent: 'granted' }),
      withPreset('Identify', { consent_category: 'Marketing' })
    )
    expect(person).toMatchObject({ eu_consent: 'denied' })
    expect(person.eu_consent_message).toBeUndefined()
    expect(notes).toEqual([
      'EU Consent: "denied" from the consent object\'s "Marketing" was kept over "granted" as mapped.'
    ])
  })

  it.each([
    ['no consent object', undefined],
    ['a consent object without the category', { Analytics: true }],
    ['a category that is neither true nor false', { Marketing: 'yes' }]
  ])('%s changes nothing: EU Consent as mapped', async (_case, preferences) => {
    const { person } = await personSent(
      consented(preferences as JSONObject | undefined, { eu_consent: 'granted' }),
      withPreset('Identify', CONFIGURED)
    )
    expect(person).toEqual({
      email: 'ada@example.com',
      user_id: 'u-1',
      eu_consent: 'granted',
      initial_status: 'unsubscribed'
    })
  })

  it('without a Consent Category (the default), the consent object is not read', async () => {
    const { person } = await personSent(consented({ Marketing: false }), withPreset('Identify'))
    expect(person).toEqual({ email: 'ada@example.com', user_id: 'u-1', initial_status: 'unsubscribed' })
  })
})

describe('the Segment Consent Preference Updated preset', () => {
  it("updates the person's consent from the track event, sending none of the event's properties", async () => {
    const event = segmentEvent({
      type: 'track',
      event: 'Segment Consent Preference Updated',
      userId: 'u-1',
      properties: { page: '/settings' },
      context: { traits: { email: 'ada@example.com' }, consent: { categoryPreferences: { Marketing: true } } }
    })
    const { person } = await personSent(event, withPreset('Segment Consent Preference Updated', CONFIGURED))
    expect(person).toEqual(GRANTED)
  })

  it('is triggered by that event only', () => {
    expect(preset('Segment Consent Preference Updated')).toMatchObject({
      type: 'automatic',
      partnerAction: 'identify',
      subscribe: 'type = "track" and event = "Segment Consent Preference Updated"'
    })
  })
})
