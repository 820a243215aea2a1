import { AsyncLocalStorage } from 'async_hooks'
import { HTTPError } from '@segment/actions-core'
import type { DestinationDefinition, ModifiedResponse, RequestClient } from '@segment/actions-core'
import { redactor } from '../src/credentials'

// Watches the HTTP exchanges a destination makes, tagged with the action that made them, without the destination
// knowing: the definition is copied with each action's request client wrapped. Each `capture` call collects the
// exchanges made while its function runs, and only those, however many calls run at once.

export interface Exchange {
  action: string
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown; text?: string }
  response?: { status: number; statusText: string; headers: Record<string, string>; body?: unknown }
  /** Set when no answer came back (timeout, reset). */
  error?: string
}

export interface Instrumented<S> {
  definition: DestinationDefinition<S>
  /** Runs `work` and answers with what it returned (or threw) and the exchanges it made, oldest first. */
  capture<T>(work: () => Promise<T>): Promise<{ value?: T; error?: unknown; exchanges: Exchange[] }>
}

type DecoratedResponse = ModifiedResponse & { request?: Request }

export function instrument<S>(definition: DestinationDefinition<S>): Instrumented<S> {
  const current = new AsyncLocalStorage<Exchange[]>()

  const watch =
    (action: string, request: RequestClient): RequestClient =>
    async (url, options) => {
      const text = typeof options?.body === 'string' ? options.body : undefined
      const exchange: Exchange = {
        action,
        request: {
          method: (options?.method ?? 'GET').toUpperCase(),
          url,
          headers: {},
          body: options?.json ?? parseBody(text),
          text: text ?? (options?.json === undefined ? '' : JSON.stringify(options.json))
        }
      }
      current.getStore()?.push(exchange)
      try {
        const response = (await request(url, options)) as DecoratedResponse
        describe(exchange, response)
        return response as never
      } catch (error) {
        if (error instanceof HTTPError) describe(exchange, error.response as DecoratedResponse)
        else exchange.error = (error as Error)?.message ?? String(error)
        throw error
      }
    }

  const actions = Object.fromEntries(
    Object.entries(definition.actions).map(([slug, action]) => {
      const { perform, performBatch } = action
      return [
        slug,
        {
          ...action,
          perform: (request: RequestClient, data: never) => perform(watch(slug, request), data),
          ...(performBatch
            ? { performBatch: (request: RequestClient, data: never) => performBatch(watch(slug, request), data) }
            : {})
        }
      ]
    })
  ) as DestinationDefinition<S>['actions']

  return {
    definition: { ...definition, actions },
    capture(work) {
      const exchanges: Exchange[] = []
      return current.run(exchanges, async () => {
        try {
          return { value: await work(), exchanges }
        } catch (error) {
          return { error, exchanges }
        }
      })
    }
  }
}

function describe(exchange: Exchange, response: DecoratedResponse): void {
  const authorization = response.request?.headers.get('authorization') ?? ''
  if (response.request) exchange.request.headers = redactHeaders(response.request.headers)
  // Drip or a proxy may echo the credentials anywhere in an answer: its reason phrase, any header (`set-cookie`,
  // `www-authenticate`), its body. The Basic header's value is base64 of the token (with its colon, or as the admin
  // pasted it), a form of the key the destination's redactor unwraps, so it redacts every form of the token from
  // each of them.
  const credential = authorization.replace(/^Basic\s+/i, '')
  const redact = credential ? redactor(credential) : (text: string) => text
  exchange.response = {
    status: response.status,
    statusText: redact(response.statusText ?? ''),
    headers: plainHeaders(response.headers, redact),
    body: parseBody(response.content === undefined ? undefined : redact(response.content))
  }
}

function plainHeaders(headers: Headers, redact = (text: string) => text): Record<string, string> {
  const result: Record<string, string> = {}
  headers.forEach((value, key) => (result[redact(key)] = redact(value)))
  return result
}

/** Request headers fit to show: the credentials replaced, as action-destinations' local server does. */
function redactHeaders(headers: Headers): Record<string, string> {
  const result = plainHeaders(headers)
  for (const key of Object.keys(result)) if (key.toLowerCase() === 'authorization') result[key] = '<redacted>'
  return result
}

function parseBody(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
