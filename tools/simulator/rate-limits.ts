// Drip's hourly budgets per account: requests to individual endpoints and to batch endpoints are counted apart
// (3,600 and 50 an hour). The simulator answers with it; the benchmark's traffic simulation runs it on virtual time.

export type Budget = 'single' | 'batch'

export interface Limits {
  single: number
  batch: number
  windowMs: number
}

export const DRIP_LIMITS: Limits = { single: 3600, batch: 50, windowMs: 60 * 60 * 1000 }

export class RateLimits {
  private readonly usage = new Map<string, { single: number; batch: number; windowStart: number; windows: number }>()

  constructor(
    readonly limits: Limits = DRIP_LIMITS,
    private readonly now: () => number = Date.now
  ) {}

  /** Counts one request against the account's budget; false when it is spent for this window (Drip's 429). */
  spend(account: string, budget: Budget): boolean {
    const usage = this.current(account)
    if (usage[budget] >= this.limits[budget]) return false
    usage[budget]++
    return true
  }

  /** What is left of the budget in this window, as Drip's X-RateLimit-Remaining says. */
  remaining(account: string, budget: Budget): number {
    return Math.max(0, this.limits[budget] - this.current(account)[budget])
  }

  /** How long until this account's window ends and its budgets are whole again. */
  resetsInMs(account: string): number {
    const usage = this.usage.get(account)
    return usage ? Math.max(0, usage.windowStart + this.limits.windowMs - this.now()) : 0
  }

  /** How many windows this account's requests have fallen in: the hours of Drip's budget they took. */
  windows(account: string): number {
    return this.usage.get(account)?.windows ?? 0
  }

  reset(): void {
    this.usage.clear()
  }

  private current(account: string) {
    const now = this.now()
    let usage = this.usage.get(account)
    if (!usage || now - usage.windowStart >= this.limits.windowMs) {
      usage = { single: 0, batch: 0, windowStart: now, windows: (usage?.windows ?? 0) + 1 }
      this.usage.set(account, usage)
    }
    return usage
  }
}
