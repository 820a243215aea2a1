import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs'
import { UsageError } from '../subscriptions'

// How far a replay got, so a second run with the same arguments continues where the first stopped (Ctrl-C, a crash,
// Drip's hourly budget): for each input file, the positions of the items Drip took (2xx in every subscription), as
// ranges, and for an item Drip took in some of its subscriptions only, which. An item whose batch was still queued,
// that failed, or that was deferred is sent again; where Drip took one, it never is. Written atomically (a new file
// renamed over the old), so a crash mid-write leaves the previous checkpoint whole.

type Ranges = Array<[number, number]>

export interface SavedCheckpoint {
  /** 2 adds `partly`; a version 1 checkpoint is read as one without it. */
  version: 1 | 2
  /** What the replay was: the input and the options that change what is sent. A checkpoint is for that replay only. */
  replay: string
  files: Record<string, Ranges>
  /** Items Drip took in some of their subscriptions only: file, then position, then the subscriptions (Runner keys). */
  partly?: Record<string, Record<string, string[]>>
}

export class Checkpoint {
  private readonly files = new Map<string, Ranges>()
  private readonly partly = new Map<string, Map<number, string[]>>()
  private dirty = false

  private constructor(
    readonly file: string | undefined,
    private readonly replay: string
  ) {}

  /** The checkpoint at `file` (a new one when there is none), or one in memory only when `file` is undefined. */
  static open(file: string | undefined, replay: string): Checkpoint {
    const checkpoint = new Checkpoint(file, replay)
    if (!file || !existsSync(file)) return checkpoint
    let saved: SavedCheckpoint
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as SavedCheckpoint
    } catch (error) {
      throw new UsageError(`--checkpoint ${file} is not a checkpoint this runner wrote (${(error as Error).message})`)
    }
    if (!(saved.version === 1 || saved.version === 2) || typeof saved.files !== 'object') {
      throw new UsageError(`--checkpoint ${file} is not a checkpoint this runner wrote`)
    }
    if (saved.replay !== replay) {
      throw new UsageError(
        `--checkpoint ${file} is for another replay (${saved.replay}); give the same input and options, or another file`
      )
    }
    checkpoint.take(saved)
    return checkpoint
  }

  /** What the checkpoint holds, as it is saved. */
  saved(): SavedCheckpoint {
    const partly = Object.fromEntries(
      [...this.partly].map(([name, items]) => [name, Object.fromEntries([...items].map(([p, s]) => [String(p), s]))])
    )
    return { version: 2, replay: this.replay, files: Object.fromEntries(this.files), partly }
  }

  /**
   * Takes what `saved` holds instead of what this holds: a checkpoint saved with the simulated account, which is
   * written first (see cli.ts), and so is never behind the checkpoint's own file. Ignored when for another replay.
   */
  adopt(saved: SavedCheckpoint | undefined): void {
    if (!saved || saved.replay !== this.replay || typeof saved.files !== 'object') return
    this.files.clear()
    this.partly.clear()
    this.take(saved)
    this.dirty = true
  }

  private take(saved: SavedCheckpoint): void {
    for (const [name, ranges] of Object.entries(saved.files)) this.files.set(name, ranges)
    for (const [name, items] of Object.entries(saved.partly ?? {})) {
      this.partly.set(name, new Map(Object.entries(items).map(([position, keys]) => [Number(position), keys])))
    }
  }

  /** Whether Drip took the item at `position` of `file` in an earlier run. */
  has(file: string | undefined, position: number): boolean {
    const ranges = this.files.get(file ?? '')
    if (!ranges) return false
    let low = 0
    let high = ranges.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const [start, end] = ranges[middle]
      if (position < start) high = middle - 1
      else if (position > end) low = middle + 1
      else return true
    }
    return false
  }

  /** Whether Drip took the item at `position` of `file` in the subscription `key` in an earlier run. */
  took(file: string | undefined, position: number, key: string): boolean {
    return (
      this.has(file, position) ||
      Boolean(
        this.partly
          .get(file ?? '')
          ?.get(position)
          ?.includes(key)
      )
    )
  }

  /** Records that Drip took the item at `position` of `file` in the subscription `key` (which may not be its only). */
  addPart(file: string | undefined, position: number, key: string): void {
    if (this.took(file, position, key)) return
    const items = this.partly.get(file ?? '') ?? new Map<number, string[]>()
    this.partly.set(file ?? '', items)
    items.set(position, [...(items.get(position) ?? []), key])
    this.dirty = true
  }

  /** Records that Drip took the item at `position` of `file` in every subscription. */
  add(file: string | undefined, position: number): void {
    const items = this.partly.get(file ?? '')
    if (items?.delete(position) && items.size === 0) this.partly.delete(file ?? '')
    const ranges = this.files.get(file ?? '') ?? []
    this.files.set(file ?? '', ranges)
    // Items mostly settle in order: extend the last range, or start one after it, when it can be. One out of order
    // goes where it belongs, joining the ranges it touches: never a sort of them all, which would make a replay whose
    // items alternate (taken, held back) take time in the square of its size.
    const last = ranges[ranges.length - 1]
    if (last && position === last[1] + 1) last[1] = position
    else if (!last || position > last[1] + 1) ranges.push([position, position])
    else if (!this.has(file, position)) {
      let at = ranges.findIndex(([start]) => start > position)
      if (at < 0) at = ranges.length
      ranges.splice(at, 0, [position, position])
      merge(ranges, Math.max(1, at), Math.min(ranges.length - 1, at + 1))
    }
    this.dirty = true
  }

  /** How many items Drip took, over all runs. */
  get taken(): number {
    let count = 0
    for (const ranges of this.files.values()) for (const [start, end] of ranges) count += end - start + 1
    return count
  }

  /** Whether anything was recorded since the last save. */
  get changed(): boolean {
    return this.dirty
  }

  /** Writes the checkpoint to its file, when it has changed since the last save. */
  save(): void {
    if (!this.file || !this.dirty) return
    const next = `${this.file}.writing`
    writeFileSync(next, JSON.stringify(this.saved()))
    renameSync(next, this.file)
    this.dirty = false
  }
}

/** Joins ranges that touch or overlap (sorted by start), from index `to` down to `from`. */
function merge(ranges: Ranges, from = 1, to = ranges.length - 1): void {
  for (let i = to; i >= from; i--) {
    const [before, after] = [ranges[i - 1], ranges[i]]
    if (after[0] <= before[1] + 1) {
      before[1] = Math.max(before[1], after[1])
      ranges.splice(i, 1)
    }
  }
}
