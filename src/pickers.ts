import type { DynamicFieldResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { checkedSettings } from './credentials'
import { listPage } from './drip-api'

// Dynamic fields: the lists a Segment admin picks from while mapping, read from the admin's Drip account page by
// page. A Drip error comes back as the picker's message, never a crash.

const PAGE_SIZE = 100

interface Listed {
  id?: string | number
  name?: string
  status?: string
}

/**
 * One page of a Drip list (`GET /v2/:account_id/<path>?page=N`), as picker choices. `key` is the list in Drip's body;
 * entries are objects with an id and a name, or plain strings (custom field keys).
 */
export async function pickFrom(
  request: RequestClient,
  settings: Settings,
  list: { path: string; key: string; status?: string; page?: string }
): Promise<DynamicFieldResponse> {
  try {
    const checked = checkedSettings(settings)
    const page = Math.max(1, Number.parseInt(list.page ?? '1', 10) || 1)
    const query = new URLSearchParams({ page: String(page), per_page: String(PAGE_SIZE) })
    if (list.status) query.set('status', list.status)
    const answer = await listPage(request, checked, list.path, query)
    const body = (typeof answer.body === 'object' ? answer.body : {}) as Record<string, unknown>
    const entries = Array.isArray(body[list.key]) ? (body[list.key] as Array<Listed | string>) : []
    const choices = entries.map((entry) =>
      typeof entry === 'string'
        ? { label: entry, value: entry }
        : { label: String(entry.name ?? entry.id), value: String(entry.id), description: entry.status }
    )
    const totalPages = Number((body.meta as { total_pages?: unknown } | undefined)?.total_pages ?? 1)
    return page < totalPages ? { choices, nextPage: String(page + 1) } : { choices }
  } catch (error) {
    const err = error as { message?: string; status?: number }
    return { choices: [], error: { message: err.message ?? String(error), code: String(err.status ?? 500) } }
  }
}
