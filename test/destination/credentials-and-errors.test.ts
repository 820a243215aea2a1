import { InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { apiToken, authorizationHeader } from '../../src/credentials'
import { classifyDripError, DRIP_ERROR_RULES, parseDripError } from '../../src/errors'
import { API_TOKEN, ENCODED_KEY, TOKEN_BASIC } from '../helpers'

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

  it('builds the Basic header of a raw token with an empty password', () => {
    expect(authorizationHeader(` ${API_TOKEN}\n`)).toBe(TOKEN_BASIC)
  })
})

// Upstream sent `Basic <API Key as pasted>`, and Drip reads that value as base64 of `token:password`. So the keys that
// worked upstream are exactly those that are base64 of the token, with or without the colon: each goes as pasted.
describe('authorizationHeader: what upstream sent, for every key that worked upstream', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  it.each([
    ['base64 of token:', b64(`${API_TOKEN}:`)],
    ['base64 of token: and the newline echo adds', ENCODED_KEY],
    ['base64 of token: and CRLF', b64(`${API_TOKEN}:\r\n`)],
    ['base64 of the token alone, no colon', b64(API_TOKEN)],
    ['base64 of the token and a newline, no colon', b64(`${API_TOKEN}\n`)],
    ['base64 of token: and a password', b64(`${API_TOKEN}:x`)],
    ['base64 without its padding', b64(`${API_TOKEN}:\n`).replace(/=+$/, '')]
  ])('%s: Basic and the key as pasted', (_case, key) => {
    expect(authorizationHeader(key)).toBe(`Basic ${key}`)
    expect(authorizationHeader(`  ${key}\n`)).toBe(`Basic ${key}`)
    expect(apiToken(key)).toBe(API_TOKEN)
  })

  it.each([
    // Upstream sent these as pasted too, and Drip read bytes that are no token from them (401): they are tokens.
    ['a 32-hex-digit token', API_TOKEN],
    ['a token base64 decodes to bytes that are not text', 'abcd1234abcd1234'],
    ['base64 of text too short to be a token', b64('short:')],
    ['base64 letters no encoder writes (stray bits after the last byte)', 'YWJjZGVmZ2hpamt=']
  ])('%s: a token, sent as base64(token:)', (_case, key) => {
    expect(authorizationHeader(key)).toBe(`Basic ${b64(`${key}:`)}`)
    expect(apiToken(key)).toBe(key)
  })

  it('sends as pasted a token that is also base64 of token-like text, as upstream did (Drip reads the text)', () => {
    // Base64 of "abcdefghijkl": which of the two the admin meant cannot be told; every key that worked upstream is
    // of this form, so it goes as upstream sent it.
    expect(authorizationHeader('YWJjZGVmZ2hpamts')).toBe('Basic YWJjZGVmZ2hpamts')
    expect(apiToken('YWJjZGVmZ2hpamts')).toBe('abcdefghijkl')
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
