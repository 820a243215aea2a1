// What the Drip (Actions) in segmentio/action-destinations sends, described field by field: its Identify's person
// and its Track Event's event, for a payload its saved mappings made. The upgrade test compares ours with it
// (test/destination/upstream-compat.test.ts), and npm run bench measures its cost beside ours.

type Payload = Record<string, unknown>

/** Upstream Identify's subscriber: custom fields as given (strings, objects as JSON, nulls dropped), tags split. */
export function upstreamPerson(payload: Payload): Payload {
  const custom = Object.entries((payload.custom_fields as Payload | undefined) ?? {})
    .filter(([, value]) => value !== null)
    .map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)])
  return {
    custom_fields: custom.length > 0 ? Object.fromEntries(custom) : undefined,
    email: payload.email,
    ip_address: payload.ip,
    phone: payload.phone,
    initial_status: payload.initial_status,
    status: payload.status,
    status_updated_at: payload.status_updated_at,
    tags: typeof payload.tags === 'string' ? payload.tags.split(',').map((tag) => tag.trim()) : undefined,
    time_zone: payload.timezone
  }
}

/** Upstream Track Event's event: the email, the action and the properties as mapped. */
export function upstreamEvent(payload: Payload): Payload {
  return { email: payload.email, action: payload.action, properties: payload.properties }
}
