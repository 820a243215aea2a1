import nock from 'nock'
import { ACCOUNT_ID, drip, runtime, runtimeSettings, segmentEvent } from '../helpers'

afterEach(() => nock.cleanAll())

it('splits more than 1,000 payloads into requests of at most 1,000, each payload with its own result', async () => {
  const sizes: number[] = []
  drip()
    .post(`/v2/${ACCOUNT_ID}/events/batches`)
    .times(3)
    .reply(function (_uri, body) {
      sizes.push((body as { batches: Array<{ events: unknown[] }> }).batches[0].events.length)
      // The second request fails: only its payloads are marked, and they are retryable.
      return sizes.length === 2
        ? [503, '<html>Service Unavailable</html>']
        : [201, '{}', { 'Content-Type': 'application/json' }]
    })
  const events = Array.from({ length: 2500 }, (_, i) =>
    segmentEvent({ type: 'track', event: 'E', properties: { email: `p${i}@example.com` } })
  )
  const settings = runtimeSettings({}, { only: 'trackEvent', mapping: { trackEvent: { enable_batching: true } } })
  const [result] = (await runtime().onBatch(events, settings)) as Array<{
    multistatus: Array<{ status: number; errortype?: string; errormessage?: string }>
  }>
  expect(sizes).toEqual([1000, 1000, 500])
  expect(result.multistatus).toHaveLength(2500)
  const statuses = result.multistatus.map((r) => r.status)
  expect(statuses.slice(0, 1000).every((s) => s === 201)).toBe(true)
  expect(statuses.slice(1000, 2000).every((s) => s === 503)).toBe(true)
  expect(statuses.slice(2000).every((s) => s === 201)).toBe(true)
  expect(result.multistatus[1500]).toMatchObject({
    errortype: 'RETRYABLE_ERROR',
    errormessage: 'Drip answered 503: Service Unavailable'
  })
})
