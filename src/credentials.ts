import { IntegrationError, InvalidAuthenticationError } from '@segment/actions-core'
import type { Settings } from './generated-types'

// The API Key and Account ID settings: the header Drip authenticates, the account id that goes into paths, and the
// redaction that keeps every form of the key out of what the destination reports.

// Drip reads a Basic header's value as base64 of `user:password` and takes the user as the API token. Upstream sent
// the API Key setting as that value, as pasted, so a key that worked there is base64 of text whose user part is the
// token, with or without the colon (`echo <token>: | base64`, newline and all). Such a key is sent exactly as pasted:
// the header upstream sent. Any other key is the token itself, and goes as `base64(token:)`, as Drip documents.

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
// The token (printable, no colon, at least 8 characters), optionally `:` and a password, then the whitespace `echo`
// adds.
const WRAPPED_TOKEN = /^([\x21-\x39\x3b-\x7e]{8,})(?::[\x20-\x7e]*)?[\t\n\r ]*$/

/** The token inside a key that is base64 of `token[:password]`, as upstream's admins pasted it; else undefined. */
function wrappedToken(key: string): string | undefined {
  if (!BASE64.test(key)) return undefined
  const bytes = Buffer.from(key, 'base64')
  // Only a key that is exactly the base64 of its bytes (padded or not): not text that merely uses its letters.
  const canonical = bytes.toString('base64')
  if (key !== canonical && key !== canonical.replace(/=+$/, '')) return undefined
  return WRAPPED_TOKEN.exec(bytes.toString('latin1'))?.[1]
}

/**
 * The raw Drip API token inside the API Key setting: the token as pasted, or the token inside a pasted base64 form
 * (see `wrappedToken`).
 */
export function apiToken(apiKey: string): string {
  const key = (apiKey ?? '').trim()
  return wrappedToken(key) ?? key
}

/**
 * The header Drip authenticates: a key in base64 form as pasted, as upstream sent it; a token as
 * `Basic base64(token:)`, the token as the user name and an empty password.
 */
export function authorizationHeader(apiKey: string): string {
  const key = (apiKey ?? '').trim()
  return `Basic ${wrappedToken(key) === undefined ? base64(`${key}:`) : key}`
}

const base64 = (text: string) => Buffer.from(text).toString('base64')

/**
 * Every form of the API key that must never leave the destination: as pasted, the token, and the base64 forms Drip
 * or a proxy may echo (`token:` with or without the newline `echo` adds, or the token alone; padded or not).
 */
function credentialForms(apiKey: string): string[] {
  const pasted = (apiKey ?? '').trim()
  const token = apiToken(pasted)
  const encoded = [`${token}:`, `${token}:\n`, token].map(base64)
  const forms = [pasted, token, ...encoded, ...encoded.map((e) => e.replace(/=+$/, ''))]
  // Longest first, so a form inside another is not left half-replaced.
  return [...new Set(forms.filter((form) => form.length >= 4))].sort((a, b) => b.length - a.length)
}

/** Replaces every credential form of `apiKey` in a text with `[redacted]`. Made per call: nothing is kept per key. */
export function redactor(apiKey: string): (text: string) => string {
  const forms = credentialForms(apiKey)
  return (text) => {
    let result = text
    for (const form of forms) if (result.includes(form)) result = result.split(form).join('[redacted]')
    return result
  }
}

/** The settings, checked before anything is sent: the account id that goes into paths, and a redactor for the key. */
export interface CheckedSettings {
  account: string
  redact: (text: string) => string
}

export function checkedSettings(settings: Settings): CheckedSettings {
  if (!String(settings.apiKey ?? '').trim()) {
    throw new InvalidAuthenticationError("The API Key setting is empty: paste the API token from Drip's User Settings.")
  }
  const account = String(settings.accountId ?? '').trim()
  if (!/^\d{1,12}$/.test(account)) {
    throw new IntegrationError(
      'The Account ID setting must be your numeric Drip account id (the number after https://www.getdrip.com/ in ' +
        "Drip's address bar), not a name, email or URL.",
      'INVALID_ACCOUNT_ID',
      400
    )
  }
  return { account, redact: redactor(settings.apiKey) }
}
