import { spawnSync } from 'child_process'
import path from 'path'
import nock from 'nock'
import { Destination } from '@segment/actions-core'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import definition from '../src'
import type { Settings } from '../src/generated-types'
import { DRIP_API_BASE_URL } from '../src/constants'
import { presetSubscriptions, type PresetOptions } from '../tools/subscriptions'
import { contractProblems, contractViolations } from './contract'

export const ACCOUNT_ID = '1234567'
export const API_TOKEN = 'f00dfeedcafe4242beef1234abcd5678'
/** What `echo <token>: | base64` prints: the old setup step, newline included. */
export const ENCODED_KEY = Buffer.from(`${API_TOKEN}:\n`).toString('base64')
/** The header for the raw token: base64 of `token:`, as Drip documents it. A key in base64 form goes as pasted. */
export const TOKEN_BASIC = `Basic ${Buffer.from(`${API_TOKEN}:`).toString('base64')}`
export const settings: Settings = { accountId: ACCOUNT_ID, apiKey: API_TOKEN }

export const drip = () => nock(DRIP_API_BASE_URL)

export interface Captured {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

/** Answers `times` requests to `method path` with `status`/`reply`, recording each request exactly as sent. */
export function intercept(
  method: 'get' | 'post',
  path: string,
  status: number,
  reply: unknown = '',
  times = 1,
  headers: Record<string, string> = { 'Content-Type': 'application/json' }
): Captured[] {
  const calls: Captured[] = []
  drip()
    .intercept(path, method.toUpperCase())
    .times(times)
    .reply(function (uri, body) {
      const call = {
        method: method.toUpperCase(),
        path: uri,
        headers: this.req.headers,
        body: typeof body === 'string' && body ? JSON.parse(body) : body
      }
      calls.push(call)
      contractViolations.push(...contractProblems(call.method, call.path, call.body))
      return [status, typeof reply === 'string' ? reply : JSON.stringify(reply), status === 204 ? {} : headers]
    })
  return calls
}

/** The token inside a Basic header, checked to carry an empty password. */
export function basicUser(header: string | string[] | undefined): string {
  const value = String(header)
  expect(value).toMatch(/^Basic [A-Za-z0-9+/=]+$/)
  const decoded = Buffer.from(value.slice('Basic '.length), 'base64').toString('utf8')
  expect(decoded.endsWith(':')).toBe(true)
  return decoded.slice(0, -1)
}

/** Settings the way Segment's runtime passes them: the destination settings plus the presets as subscriptions. */
export function runtimeSettings(
  overrides: Partial<Settings> = {},
  presets: PresetOptions = {},
  def: DestinationDefinition<Settings> = definition
): JSONObject {
  return { ...settings, ...overrides, subscriptions: presetSubscriptions(def, presets) } as unknown as JSONObject
}

/** Settings with only the preset for `action`, batching on, its mapping changed by `mapping`. */
export const batching = (action: string, mapping: JSONObject = {}) =>
  runtimeSettings({}, { only: action, mapping: { [action]: { enable_batching: true, ...mapping } } })

export type Multistatus = Array<{
  status: number
  sent?: JSONObject
  body?: unknown
  errortype?: string
  errormessage?: string
  errorreporter?: string
}>

/** The per-event results of the one subscription an onBatch call ran. */
export const multistatusOf = (results: unknown[]) => (results[0] as { multistatus: Multistatus }).multistatus

/** The destination as Segment's runtime runs it (in tests, every batch to Drip's batch endpoint: see setup.ts). */
export const runtime = (def: DestinationDefinition<Settings> = definition) => new Destination(def)

export type Event = Partial<SegmentEvent> & { type: SegmentEvent['type'] }

/** A Segment event with the fields the runtime expects filled in. */
export function segmentEvent(event: Event): SegmentEvent {
  return {
    messageId: 'msg-1',
    timestamp: '2026-11-20T10:15:00.000Z',
    receivedAt: '2026-11-20T10:15:01.000Z',
    context: {},
    ...event
  } as SegmentEvent
}

/**
 * A fixture under test/fixtures run by `node --expose-gc` in a process of its own, to call gc() and read a heap no
 * other test shares: the JSON it printed, and what it wrote to stderr.
 */
export function inHeapOfItsOwn<T>(fixture: string, ...args: string[]): { printed: T; stderr: string } {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join('test', 'fixtures', fixture), ...args],
    { cwd: path.join(__dirname, '..'), encoding: 'utf8' }
  )
  return { printed: JSON.parse(child.stdout || 'null') as T, stderr: child.stderr }
}
