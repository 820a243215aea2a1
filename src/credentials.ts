import { IntegrationError, InvalidAuthenticationError } from '@segment/actions-core'
import type { Settings } from './generated-types'

// The API Key and Account ID settings: the header Drip authenticates, the account id that goes into paths, and the
// redaction that keeps every form of the key out of what the destination reports.

// A value that is base64 of text: what older setup guides had admins paste (`echo <token>: | base64`).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
// Drip's token, as the user name of a Basic header: printable, no colon; `:` (an empty password) and the newline
// `echo` adds may follow it.
const WRAPPED_TOKEN = /^([\x21-\x39\x3b-\x7e]{8,}):?\s*$/

/**
 * The raw Drip API token inside the API Key setting. Admins paste the token itself, or (as older setup guides had
 * them do) base64 of it, with or without the colon of an empty password: such a value is unwrapped and keeps working.
 */
export function apiToken(apiKey: string): string {
  const key = (apiKey ?? '').trim()
  if (BASE64.test(key) && key.length % 4 === 0) {
    const match = WRAPPED_TOKEN.exec(Buffer.from(key, 'base64').toString('latin1'))
    if (match) return match[1]
  }
  return key
}

/** `Basic base64(token + ":")`: Drip takes the token as the user name and an empty password. */
export function authorizationHeader(apiKey: string): string {
  return `Basic ${base64(`${apiToken(apiKey)}:`)}`
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
