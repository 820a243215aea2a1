import { randomBytes } from 'crypto'

// What a Drip account holds, with Drip's semantics for the writes the destination makes.

export type Status = 'active' | 'unsubscribed'

export interface Person {
  id: string
  email: string
  status: Status
  created_at: string
  updated_at: string
  custom_fields: Record<string, unknown>
  tags: string[]
  [field: string]: unknown
}

export interface StoredEvent {
  email: string
  action: string
  properties: Record<string, unknown>
  occurred_at: string
  prospect?: boolean
}

/** Subscriber fields that Drip stores as given, overwriting what it had. */
const PLAIN_FIELDS = [
  'first_name',
  'last_name',
  'address1',
  'address2',
  'city',
  'state',
  'zip',
  'country',
  'phone',
  'sms_number',
  'sms_consent',
  'user_id',
  'time_zone',
  'lifetime_value',
  'ip_address',
  'prospect',
  'base_lead_score',
  'eu_consent',
  'eu_consent_message',
  'status_updated_at',
  'visitor_uuid'
]

export type ShopperActivityKind = 'order' | 'cart' | 'product'

/** An order, cart or product as Drip keeps it: the latest of each (by provider and id), with the actions it had. */
export interface ShopperRecord {
  kind: ShopperActivityKind
  key: string
  actions: string[]
  [field: string]: unknown
}

/** An Email Series campaign or a workflow. */
export interface Sequence {
  id: string
  name: string
  status: 'active' | 'draft' | 'paused'
  /** Emails of the people on it. */
  members: string[]
}

/** The Email Series and workflows a new account has, so pickers and subscriptions have something to work with. */
const DEMO_CAMPAIGNS = [
  { id: '1001', name: 'Welcome Series', status: 'active' as const },
  { id: '1002', name: 'Winback', status: 'paused' as const }
]
const DEMO_WORKFLOWS = [
  { id: '2001', name: 'Onboarding', status: 'active' as const },
  { id: '2002', name: 'Abandoned Cart (draft)', status: 'draft' as const }
]

export class AccountState {
  readonly people = new Map<string, Person>()
  readonly events: StoredEvent[] = []
  /** Orders, carts and products by `kind:provider:id`. */
  readonly shopperActivity = new Map<string, ShopperRecord>()
  /** Events received in all; `events` keeps only the newest `keepEvents` so long runs stay small. */
  eventCount = 0
  /** Person records written in all (a person written twice counts twice): replays check no event went twice. */
  subscriberWrites = 0

  readonly campaigns = new Map<string, Sequence>(DEMO_CAMPAIGNS.map((c) => [c.id, { ...c, members: [] }]))
  readonly workflows = new Map<string, Sequence>(DEMO_WORKFLOWS.map((w) => [w.id, { ...w, members: [] }]))

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly keepEvents: number,
    /** Whether an event (or tag) for an email Drip does not know creates the person: see SimulatorOptions. */
    private readonly eventCreatesPerson = true
  ) {}

  /** The person with this Drip id or email (as it comes in a path). */
  person(idOrEmail: string): Person | undefined {
    return this.find(idOrEmail.includes('@') ? { email: idOrEmail } : { id: idOrEmail })
  }

  /** Tags applied by POST /tags; a person Drip has not seen yet is created for them. */
  addTag(email: string, tag: string, now = new Date()): void {
    const person = this.person(email) ?? (this.eventCreatesPerson ? this.upsertSubscriber({ email }, now) : undefined)
    if (person && !person.tags.includes(tag)) person.tags.push(tag)
  }

  removeTag(idOrEmail: string, tag: string): Person | undefined {
    const person = this.person(idOrEmail)
    if (person) person.tags = person.tags.filter((t) => t !== tag)
    return person
  }

  /** Unsubscribed from every mailing: status unsubscribed, off every Email Series. */
  unsubscribeAll(idOrEmail: string): Person | undefined {
    const person = this.person(idOrEmail)
    if (!person) return undefined
    person.status = 'unsubscribed'
    for (const campaign of this.campaigns.values())
      campaign.members = campaign.members.filter((m) => m !== person.email)
    return person
  }

  /** Off one Email Series, or all of them when no campaign is named. */
  removeFromCampaigns(idOrEmail: string, campaignId?: string): Person | undefined {
    const person = this.person(idOrEmail)
    if (!person) return undefined
    for (const campaign of this.campaigns.values()) {
      if (!campaignId || campaign.id === campaignId)
        campaign.members = campaign.members.filter((m) => m !== person.email)
    }
    return person
  }

  deletePerson(idOrEmail: string): boolean {
    const person = this.person(idOrEmail)
    if (!person) return false
    this.people.delete(key(person.email))
    for (const list of [...this.campaigns.values(), ...this.workflows.values()]) {
      list.members = list.members.filter((m) => m !== person.email)
    }
    return true
  }

  /**
   * Joins an Email Series or a workflow, creating or updating the person. Drip silently ignores a workflow that is not
   * active (`onlyActive`): the person is updated and the workflow left as it was.
   */
  join(list: Sequence, input: Record<string, unknown>, onlyActive: boolean, now = new Date()): Person {
    const person = this.upsertSubscriber(input, now)
    if ((!onlyActive || list.status === 'active') && !list.members.includes(person.email))
      list.members.push(person.email)
    return person
  }

  leave(list: Sequence, idOrEmail: string): Person | undefined {
    const person = this.person(idOrEmail)
    if (person) list.members = list.members.filter((m) => m !== person.email)
    return person
  }

  /** Every tag in use, and every custom field key, for the pickers. */
  tagsInUse(): string[] {
    return [...new Set([...this.people.values()].flatMap((p) => p.tags))].sort()
  }

  customFieldKeys(): string[] {
    return [...new Set([...this.people.values()].flatMap((p) => Object.keys(p.custom_fields)))].sort()
  }

  /** Create or update a person as Drip does: by email (or Drip id), `status` over `initial_status`, tags merged. */
  upsertSubscriber(input: Record<string, unknown>, now = new Date()): Person {
    this.subscriberWrites++
    const stamp = now.toISOString()
    let person = this.find(input)
    const newEmail = typeof input.new_email === 'string' ? input.new_email : undefined
    if (!person) {
      const email = String(input.email ?? newEmail ?? '')
      const initial = (input.status ?? input.initial_status ?? 'active') as Status
      person = {
        id: randomBytes(10).toString('hex'),
        email,
        status: initial,
        created_at: stamp,
        updated_at: stamp,
        custom_fields: {},
        tags: []
      }
      this.people.set(key(email), person)
    } else if (input.status) {
      person.status = input.status as Status
    }
    if (newEmail && key(newEmail) !== key(person.email)) {
      this.people.delete(key(person.email))
      person.email = newEmail
      this.people.set(key(newEmail), person)
    }
    for (const field of PLAIN_FIELDS) {
      if (input[field] !== undefined) person[field] = input[field]
    }
    if (input.custom_fields && typeof input.custom_fields === 'object') {
      person.custom_fields = { ...person.custom_fields, ...(input.custom_fields as Record<string, unknown>) }
    }
    const tags = new Set(person.tags)
    for (const tag of (input.tags as string[] | undefined) ?? []) tags.add(tag)
    for (const tag of (input.remove_tags as string[] | undefined) ?? []) tags.delete(tag)
    person.tags = [...tags]
    person.updated_at = stamp
    return person
  }

  /** Record an event; a person Drip has not seen yet is created for it, unless the simulator assumes otherwise. */
  recordEvent(input: Record<string, unknown>, now = new Date()): StoredEvent {
    const person =
      this.find(input) ?? (this.eventCreatesPerson ? this.upsertSubscriber({ email: input.email }, now) : undefined)
    const event: StoredEvent = {
      email: person?.email ?? String(input.email),
      action: String(input.action),
      properties: (input.properties as Record<string, unknown>) ?? {},
      occurred_at: typeof input.occurred_at === 'string' ? input.occurred_at : now.toISOString()
    }
    if (typeof input.prospect === 'boolean') event.prospect = input.prospect
    this.eventCount++
    this.events.push(event)
    if (this.events.length > this.keepEvents) this.events.splice(0, this.events.length - this.keepEvents)
    return event
  }

  /**
   * An order, cart or product, with Drip's rules: unique by provider and id; an order or cart for an unknown person
   * creates them (subscribed unless `initial_status` says otherwise); orders move the person's lifetime value (in cents,
   * as the subscriber field keeps it): a placed order adds its grand total, a later total the difference, a refund or
   * cancellation subtracts its refund amount.
   */
  recordShopperActivity(kind: ShopperActivityKind, input: Record<string, unknown>, now = new Date()): ShopperRecord {
    const id =
      kind === 'order'
        ? input.order_id
        : kind === 'cart'
          ? input.cart_id
          : `${input.product_id}:${input.product_variant_id}`
    const key = `${kind}:${input.provider}:${id}`
    const previous = this.shopperActivity.get(key)
    const record: ShopperRecord = {
      ...(previous ?? {}),
      ...input,
      kind,
      key,
      actions: [...(previous?.actions ?? []), String(input.action)]
    }
    this.shopperActivity.set(key, record)
    if (kind === 'product') {
      // Drip keeps a deleted product's history; it is out of the catalog until a later action brings it back.
      if (input.action === 'deleted') record.deleted = true
      else delete record.deleted
      return record
    }
    const person =
      this.find(input) ??
      this.upsertSubscriber({ email: input.email, initial_status: input.initial_status ?? 'active' }, now)
    if (kind === 'order') {
      const cents = (amount: unknown) => Math.round(Number(amount ?? 0) * 100)
      let change = 0
      if (input.action === 'refunded' || input.action === 'canceled') change = -cents(input.refund_amount)
      else if (input.grand_total !== undefined) change = cents(input.grand_total) - cents(previous?.grand_total)
      person.lifetime_value = Number(person.lifetime_value ?? 0) + change
    }
    this.recordEvent(
      {
        email: person.email,
        action: timelineAction(kind, String(input.action)),
        properties: { id },
        occurred_at: input.occurred_at
      },
      now
    )
    return record
  }

  snapshot() {
    return {
      id: this.id,
      name: this.name,
      people: [...this.people.values()],
      events: this.events,
      event_count: this.eventCount,
      subscriber_writes: this.subscriberWrites,
      shopper_activity: [...this.shopperActivity.values()],
      campaigns: [...this.campaigns.values()],
      workflows: [...this.workflows.values()]
    }
  }

  /** Takes back what `snapshot()` gave: the account as an earlier run left it. */
  restore(snapshot: ReturnType<AccountState['snapshot']>): void {
    for (const person of snapshot.people) this.people.set(key(person.email), person)
    this.events.push(...snapshot.events)
    this.eventCount = snapshot.event_count
    this.subscriberWrites = snapshot.subscriber_writes ?? 0
    for (const record of snapshot.shopper_activity) this.shopperActivity.set(record.key, record)
    for (const [lists, saved] of [
      [this.campaigns, snapshot.campaigns],
      [this.workflows, snapshot.workflows]
    ] as const) {
      for (const list of saved) lists.set(list.id, list)
    }
  }

  private find(input: Record<string, unknown>): Person | undefined {
    if (typeof input.email === 'string') return this.people.get(key(input.email))
    if (typeof input.id === 'string') return [...this.people.values()].find((p) => p.id === input.id)
    return undefined
  }
}

const key = (email: string) => email.trim().toLowerCase()

/** How Drip names shopper activity on a person's timeline: "Placed an order", "Updated a Cart". */
function timelineAction(kind: ShopperActivityKind, action: string): string {
  const verb = `${action.charAt(0).toUpperCase()}${action.slice(1)}`
  return kind === 'order' ? `${verb} an order` : `${verb} a Cart`
}
