import {
  InvalidAuthenticationError,
  IntegrationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import { BATCH_RETRIES, BATCH_RETRY_PAUSE_MS, DRIP_REQUEST_TIMEOUT_MS } from '../../src/constants'
import { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, type Fault } from '../../tools/simulator'
import { inHeapOfItsOwn, segmentEvent } from '../helpers'
import { ENCODED_DEMO_KEY, useSimulator } from '../simulated'

// The fault matrix: every way Drip can fail, for single events, batches and the authentication test, through the
// runtime and real HTTP to the simulator. Each row fixes the error class, status, retryability and message, and no
// output may carry the API key, raw or encoded.

const SECRETS = [DEMO_API_TOKEN, ENCODED_DEMO_KEY.trim(), Buffer.from(`${DEMO_API_TOKEN}:`).toString('base64')]
const RETRIED = new Set([408, 423, 429, 500, 502, 503, 504])

// Drip's request timeout (10 s) everywhere, so that no case meant to get an answer can miss it on a busy machine;
// a short one only where the timeout itself is what is tested (rows with `timeout: true`).
let mockRequestTimeoutMs: number | undefined
jest.mock('../../src/constants', () => {
  const actual = jest.requireActual('../../src/constants')
  return {
    ...actual,
    SMALL_BATCH: 1,
    get DRIP_REQUEST_TIMEOUT_MS() {
      return mockRequestTimeoutMs ?? actual.DRIP_REQUEST_TIMEOUT_MS
    }
  }
})
const drip = useSimulator()
const SHORT_TIMEOUT_MS = 200

interface Row {
  name: string
  fault: Fault
  kind: new (...args: never[]) => Error
  status: number
  message: RegExp
  /** The case is about the timeout: run with the short one. */
  timeout?: true
}

const html502 = '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>'
const matrix: Row[] = [
  {
    name: '401',
    fault: { status: 401, body: '' },
    kind: InvalidAuthenticationError,
    status: 401,
    message: /^Drip rejected the API key \(401: no message\)/
  },
  {
    name: '403 authorization_error',
    fault: {
      status: 403,
      body: { errors: [{ code: 'authorization_error', message: 'You are not authorized to access this resource' }] }
    },
    kind: InvalidAuthenticationError,
    status: 401,
    message: new RegExp(`^The API key has no access to Drip account ${DEMO_ACCOUNT_ID} \\(403: You are not authorized`)
  },
  {
    name: '404',
    fault: {
      status: 404,
      body: { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] }
    },
    kind: IntegrationError,
    status: 404,
    message: new RegExp(`^Drip found nothing at account ${DEMO_ACCOUNT_ID} .*Check the Account ID setting`)
  },
  {
    name: '422',
    fault: {
      status: 422,
      body: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email must be a valid email address' }] }
    },
    kind: PayloadValidationError,
    status: 400,
    message: /^Drip refused the email: Email must be a valid email address \[email_error\]$/
  },
  {
    name: '400 malformed JSON',
    fault: {
      status: 400,
      body: { status: 400, error: 'There was a problem in the JSON you submitted: unexpected token' }
    },
    kind: PayloadValidationError,
    status: 400,
    message: /^Drip refused the request \(400\): There was a problem in the JSON you submitted/
  },
  {
    name: '429 hourly limit',
    fault: {
      status: 429,
      body: { message: 'API rate limit exceeded. Please try again in an hour.', documentation: 'x' }
    },
    kind: RetryableError,
    status: 429,
    message: /^Drip's hourly rate limit for this account was reached \(429: API rate limit exceeded/
  },
  {
    name: '429 concurrent',
    fault: {
      status: 429,
      body: { errors: [{ code: 'too_many_requests', message: 'Too many concurrent requests for the same subscriber' }] }
    },
    kind: RetryableError,
    status: 429,
    message: /^Drip is busy with another update of the same person; retry shortly/
  },
  {
    name: '500',
    fault: { status: 500, body: { message: 'Internal error' } },
    kind: RetryableError,
    status: 500,
    message: /^Drip answered 500: Internal error$/
  },
  {
    name: '502 HTML',
    fault: { status: 502, body: html502 },
    kind: RetryableError,
    status: 502,
    message: /^Drip answered 502: 502 Bad Gateway Bad Gateway nginx$/
  },
  {
    name: 'timeout',
    // Far beyond the short timeout: however late the timer fires on a busy machine, the answer is later still.
    fault: { delayMs: 5000, status: 204 },
    kind: RetryableError,
    status: 504,
    message: /^Drip did not answer in time/,
    timeout: true
  },
  { name: 'reset', fault: { reset: true }, kind: RetryableError, status: 503, message: /^Could not reach Drip/ },
  {
    name: 'reset in the middle of a 1 MB answer',
    fault: {
      status: 200,
      body: { subscribers: [{ email: 'a@example.com', big: 'z'.repeat(1_000_000) }] },
      cut: 'reset'
    },
    // node-fetch notices it at the request timeout (which is what this case is about), as it does a stalled body.
    kind: RetryableError,
    status: 504,
    message: /^Drip's answer did not arrive whole: the connection closed in the middle of it, or the request timeout/,
    timeout: true
  },
  {
    name: 'a stalled answer (headers, half the body, then nothing)',
    fault: { status: 200, body: { accounts: [{ id: DEMO_ACCOUNT_ID }], pad: 'z'.repeat(200_000) }, cut: 'stall' },
    kind: RetryableError,
    status: 504,
    message: /^Drip's answer did not arrive whole/,
    timeout: true
  },
  {
    name: '502 with a 1 MB HTML page',
    fault: { status: 502, body: `<html><body><h1>Bad Gateway</h1>${'<p>proxy</p>'.repeat(90_000)}</body></html>` },
    kind: RetryableError,
    status: 502,
    message: /^Drip answered 502: Bad Gateway proxy proxy/
  },
  {
    name: '401 echoing the credentials it was sent',
    fault: {
      status: 401,
      body: {
        message: `Bad credentials: Basic ${Buffer.from(`${DEMO_API_TOKEN}:`).toString('base64')} (key ${DEMO_API_TOKEN}, as pasted ${ENCODED_DEMO_KEY.trim()})`
      }
    },
    kind: InvalidAuthenticationError,
    status: 401,
    message:
      /^Drip rejected the API key \(401: Bad credentials: Basic \[redacted\] \(key \[redacted\], as pasted \[redacted\]\)\)/
  }
]

/**
 * Every call settles within its requests' timeouts (a batch's request tried up to 1 + BATCH_RETRIES times, each
 * waiting for its answer and then its body), whatever Drip does; three seconds more are allowed for a busy machine. A
 * call still pending then never settled on its own.
 */
async function settled<T>(call: Promise<T>, timeoutMs = DRIP_REQUEST_TIMEOUT_MS): Promise<T> {
  const tries = 1 + BATCH_RETRIES
  const within = tries * 2 * timeoutMs + BATCH_RETRY_PAUSE_MS * tries * tries + 3000
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${within} ms`)), within)
  })
  try {
    return await Promise.race([call, bound])
  } finally {
    clearTimeout(timer)
  }
}

const batching = (action: string) => drip.settings({ only: action, mapping: { [action]: { enable_batching: true } } })

function expectNoSecret(output: unknown) {
  const text = typeof output === 'string' ? output : JSON.stringify(output, Object.getOwnPropertyNames(output ?? {}))
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

describe.each(matrix)('Drip answers $name', ({ name, fault, kind, status, message, timeout }) => {
  const destination = () => drip.destination
  const within = timeout ? SHORT_TIMEOUT_MS : DRIP_REQUEST_TIMEOUT_MS
  beforeEach(() => (mockRequestTimeoutMs = timeout ? SHORT_TIMEOUT_MS : undefined))
  afterEach(() => (mockRequestTimeoutMs = undefined))
  // A batch's request that fails transiently is tried again within the call (Drip's hourly limit is not): the fault
  // stays for every try, so that the batch's results show it.
  const retriedInCall = RETRIED.has(status) && status !== 504 && name !== '429 hourly limit'
  const batchFault = retriedInCall ? { ...fault, times: 1 + BATCH_RETRIES } : fault

  it('fails a single identify and a single track with the right class, status and message', async () => {
    for (const event of [
      segmentEvent({ type: 'identify', traits: { email: 'a@example.com' } }),
      segmentEvent({ type: 'track', event: 'Clicked', properties: { email: 'a@example.com' } })
    ]) {
      drip.sim.inject(fault)
      const error = (await settled(
        destination()
          .onEvent(event, drip.settings())
          .catch((e: Error) => e),
        within
      )) as Error & {
        status?: number
      }
      expect(error).toBeInstanceOf(kind)
      expect(error.status).toBe(status)
      expect(error instanceof RetryableError).toBe(RETRIED.has(status))
      expect(error.message).toMatch(message)
      expectNoSecret(error)
      expectNoSecret(error.message)
      expectNoSecret(error.stack)
    }
  })

  it('gives every event of a batch its own result', async () => {
    for (const [action, events] of [
      [
        'identify',
        [
          segmentEvent({ type: 'identify', traits: { email: 'a@example.com' } }),
          segmentEvent({ type: 'identify', traits: { email: 'b@example.com' } })
        ]
      ],
      [
        'trackEvent',
        [
          segmentEvent({ type: 'track', event: 'A', properties: { email: 'a@example.com' } }),
          segmentEvent({ type: 'track', event: 'B', properties: { email: 'b@example.com' } })
        ]
      ]
    ] as const) {
      drip.sim.inject(batchFault)
      const results = await settled(destination().onBatch([...events], batching(action)), within)
      const multistatus = (
        results[0] as { multistatus: Array<{ status: number; errortype: string; errormessage: string; sent: unknown }> }
      ).multistatus
      expect(multistatus).toHaveLength(2)
      if (kind === PayloadValidationError) {
        // Refused for a record Drip does not name: each goes again alone, within the same call, and (Drip taking
        // them this time) is delivered. Isolating a real bad record is multistatus.test.ts's.
        expect(multistatus.map((result) => result.status)).toEqual(action === 'identify' ? [200, 200] : [204, 204])
      } else {
        for (const result of multistatus) {
          expect(result.status).toBe(status)
          const errortype = { InvalidAuthenticationError: 'INVALID_AUTHENTICATION', IntegrationError: 'NOT_FOUND' }[
            kind.name
          ]
          expect(result.errortype).toBe(kind === RetryableError ? 'RETRYABLE_ERROR' : errortype)
          expect(result.errormessage).toMatch(message)
          expect(result.sent).toEqual(expect.objectContaining({ email: expect.any(String) }))
        }
      }
      expectNoSecret(results)
    }
  })
})

describe('the authentication test', () => {
  it.each(matrix.filter((row) => row.name !== '404'))(
    'classifies $name the same way',
    async ({ fault, status, message, timeout }) => {
      drip.sim.inject({ ...fault, path: '/v2/accounts' })
      mockRequestTimeoutMs = timeout ? SHORT_TIMEOUT_MS : undefined
      const error = (await settled(
        drip.destination
          .testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey: ENCODED_DEMO_KEY })
          .catch((e: Error) => e),
        timeout ? SHORT_TIMEOUT_MS : DRIP_REQUEST_TIMEOUT_MS
      )) as Error
      // actions-core wraps it: "Credentials are invalid: <status> <our message>".
      expect(error.message).toMatch(/^Credentials are invalid: /)
      expect(error.message.replace(/^Credentials are invalid: \d* ?/, '')).toMatch(message)
      void status
      expectNoSecret(error.message)
      mockRequestTimeoutMs = undefined
    }
  )
})

it("a batch refused for one record alone reports that record with Drip's reason", async () => {
  drip.sim.inject({
    path: '/subscribers/batches',
    status: 422,
    body: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email must be a valid email address' }] }
  })
  const s = batching('identify')
  const results = await drip.destination.onBatch(
    [segmentEvent({ type: 'identify', traits: { email: 'a@example.com' } })],
    s
  )
  expect((results[0] as { multistatus: unknown[] }).multistatus).toEqual([
    {
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: 'Drip refused the email: Email must be a valid email address [email_error]',
      sent: { email: 'a@example.com', initial_status: 'unsubscribed' },
      errorreporter: 'DESTINATION'
    }
  ])
})

it('a batch with one bad person among good ones delivers the good ones and reports the bad one', async () => {
  const s = batching('identify')
  const results = await drip.destination.onBatch(
    [
      segmentEvent({ type: 'identify', traits: { email: 'good1@example.com' } }),
      segmentEvent({ type: 'identify', traits: { email: 'not an email' } }),
      segmentEvent({ type: 'identify', traits: { email: 'good2@example.com' } })
    ],
    s
  )
  const multistatus = (results[0] as { multistatus: Array<{ status: number; errormessage?: string }> }).multistatus
  expect(multistatus.map((r) => r.status)).toEqual([201, 400, 201])
  expect(multistatus[1].errormessage).toBe('Email Address: "not an email" is not a valid email address.')
  expect(
    drip.sim
      .state()
      .accounts[0].people.map((p) => p.email)
      .sort()
  ).toEqual(['good1@example.com', 'good2@example.com'])
})

describe('answers of 1 MB', () => {
  const big = 'z'.repeat(1_000_000)

  it('are read whole: a single identify, a batch and the authentication test all succeed', async () => {
    drip.sim.inject({ status: 200, body: { subscribers: [{ email: 'a@example.com', custom_fields: { big } }] } })
    const single = await settled(
      drip.destination.onEvent(segmentEvent({ type: 'identify', traits: { email: 'a@example.com' } }), drip.settings())
    )
    expect(single).toEqual(expect.arrayContaining([expect.objectContaining({ output: 'Action Executed' })]))

    drip.sim.inject({ path: '/events/batches', status: 201, body: { big } })
    const batch = await settled(
      drip.destination.onBatch(
        [segmentEvent({ type: 'track', event: 'A', properties: { email: 'a@example.com' } })],
        batching('trackEvent')
      )
    )
    expect((batch[0] as { multistatus: Array<{ status: number }> }).multistatus.map((r) => r.status)).toEqual([201])

    const accounts = Array.from({ length: 5000 }, (_, i) => ({ id: String(1000000 + i), name: 'x'.repeat(200) }))
    drip.sim.inject({ path: '/v2/accounts', status: 200, body: { accounts: [...accounts, { id: DEMO_ACCOUNT_ID }] } })
    await expect(
      settled(drip.destination.testAuthentication({ accountId: DEMO_ACCOUNT_ID, apiKey: ENCODED_DEMO_KEY }))
    ).resolves.toBeUndefined()
  })
})

describe('answers cut mid-way', () => {
  it("fail at the request timeout, each with a timeout's message, over 200 of them", () => {
    const { printed, stderr } = inHeapOfItsOwn<Record<string, number> & { messages: string[] }>(
      'cut-answers-heap.ts',
      '200'
    )
    expect(stderr).toBe('')
    const { cut, before, after, messages } = printed
    // The short timeout may strike before the headers on a busy machine: either way, a timeout that says so.
    const timeouts = [
      "Drip's answer did not arrive whole: the connection closed in the middle of it, or the request timeout passed",
      'Drip did not answer in time: no whole answer within the request timeout'
    ]
    expect(messages.length).toBeGreaterThan(0)
    expect(messages.filter((message) => !timeouts.includes(message))).toEqual([])
    // node-fetch keeps about 18 KB of each body it gave up on (measured: 1.7 MB over 100, 7.3 MB over 400); the
    // destination itself keeps nothing. The bound catches a destination that would keep whole answers (100 KB each).
    expect({ cut, grewUnder8MB: after - before < 8_000_000 }).toEqual({ cut: 200, grewUnder8MB: true })
  })
})
