import { InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { apiToken, authorizationHeader } from '../../src/credentials'
import { classifyDripError, DRIP_ERROR_RULES, parseDripError } from '../../src/errors'
import { API_TOKEN, ENCODED_KEY } from '../helpers'

describe('apiToken', () => {
  it.each([
    ['the raw token', API_TOKEN],
    ['the raw token with whitespace', `  ${API_TOKEN}\n`],
    ['echo <token>: | base64 (newline encoded)', ENCODED_KEY],
    ['the encoded form with whitespace around it', `\t${ENCODED_KEY} \n`],
    ['the encoded form without the newline', Buffer.from(`${API_TOKEN}:`).toString('base64')],
    ['the encoded form with CRLF', Buffer.from(`${API_TOKEN}:\r\n`).toString('base64')]
  ])('reads %s', (_case, key) => {
    expect(apiToken(key)).toBe(API_TOKEN)
  })

  it('keeps a token that merely looks like base64', () => {
    expect(apiToken('abcd1234abcd1234')).toBe('abcd1234abcd1234')
  })

  it('builds the Basic header with an empty password', () => {
    expect(authorizationHeader(ENCODED_KEY)).toBe(`Basic ${Buffer.from(`${API_TOKEN}:`).toString('base64')}`)
  })
})

describe('parseDripError', () => {
  it.each([
    [
      '{"errors":[{"code":"email_error","attribute":"email","message":"Email must be a valid email address"}]}',
      { code: 'email_error', attribute: 'email', message: 'Email must be a valid email address' }
    ],
    [
      '{"message":"API rate limit exceeded. Please try again in an hour."}',
      { message: 'API rate limit exceeded. Please try again in an hour.' }
    ],
    [
      '{"status":400,"error":"There was a problem in the JSON you submitted"}',
      { message: 'There was a problem in the JSON you submitted' }
    ],
    [
      '<html><head><title>502</title><style>b{}</style></head><body><h1>Bad Gateway</h1></body></html>',
      { message: '502 Bad Gateway' }
    ],
    [' ', { message: 'no message' }]
  ])('reads %s', (text, expected) => {
    expect(parseDripError(text)).toEqual(expected)
  })
})

describe('classifyDripError', () => {
  const cases: Array<[number, string, unknown, number, RegExp]> = [
    [401, '', InvalidAuthenticationError, 401, /^Drip rejected the API key/],
    [
      403,
      '{"errors":[{"code":"authorization_error","message":"no"}]}',
      InvalidAuthenticationError,
      401,
      /no access to Drip account 1234567/
    ],
    [404, '{"errors":[{"code":"not_found_error","message":"Not found"}]}', Error, 404, /Check the Account ID setting/],
    [
      422,
      '{"errors":[{"code":"email_error","attribute":"email","message":"Email is bad"}]}',
      PayloadValidationError,
      400,
      /^Drip refused the email: Email is bad \[email_error\]$/
    ],
    [
      429,
      '{"message":"API rate limit exceeded. Please try again in an hour."}',
      RetryableError,
      429,
      /hourly rate limit/
    ],
    [
      429,
      '{"errors":[{"code":"too_many_requests","message":"Too many concurrent requests for the same subscriber"}]}',
      RetryableError,
      429,
      /same person/
    ],
    [502, '<html><body>Bad Gateway</body></html>', RetryableError, 502, /^Drip answered 502: Bad Gateway$/],
    [501, 'nope', Error, 501, /^Drip answered 501: nope$/]
  ]
  it.each(cases)('classifies %d %s', (status, body, kind, expectedStatus, message) => {
    const error = classifyDripError(status, body, '1234567')
    expect(error).toBeInstanceOf(kind)
    expect(error.status).toBe(expectedStatus)
    expect(error.message).toMatch(message)
  })
})

describe('DRIP_ERROR_RULES', () => {
  // For each rule, an answer it is the first to match; the error it raises must be what its `raises` column says.
  const bodies = [
    '',
    '{"errors":[{"code":"authorization_error","message":"no"}]}',
    '{"errors":[{"code":"too_many_requests","message":"Too many concurrent requests for the same subscriber"}]}'
  ]
  const answers = Array.from({ length: 500 }, (_, i) => i + 100).flatMap((status) =>
    bodies.map((body) => ({ status, body }))
  )
  it.each(DRIP_ERROR_RULES.map((rule) => [rule.answer, rule] as const))('%s raises what it says', (_answer, rule) => {
    const answer = answers.find(
      ({ status, body }) => DRIP_ERROR_RULES.find((r) => r.matches(status, parseDripError(body))) === rule
    )
    expect(answer).toBeDefined()
    const error = classifyDripError(answer!.status, answer!.body, '1234567') as Error & {
      status?: number
      code?: string
    }
    const [className, detail] = rule.raises.split(' ')
    expect(error.constructor.name).toBe(className)
    if (detail === '(same') expect(error.status).toBe(answer!.status)
    else if (/^\d+$/.test(detail ?? '')) expect(error.status).toBe(Number(detail))
    else if (detail?.startsWith('`')) expect(error.code).toBe(detail.replace(/`/g, ''))
  })
})
