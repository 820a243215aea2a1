import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs'
import { UsageError } from '../subscriptions'

// How far a replay got, so a second run with the same arguments continues where the first stopped (Ctrl-C, a crash,
// Drip's hourly budget): for each input file, the positions of the items Drip took (2xx in every subscription), as
// ranges. An item is recorded only once settled, so one whose batch was still queued, that failed, or that was
// deferred is sent again; one Drip took never is. Written atomically (a new file renamed over the old), so a crash
// mid-write leaves the previous checkpoint whole.

type Ranges = Array<[number, number]>

interface Saved {
  version: 1
  /** What the replay was: the input and the options that change what is sent. A checkpoint is for that replay only. */
  replay: string
  files: Record<string, Ranges>
}

export class Checkpoint {
  private readonly files = new Map<string, Ranges>()
  private dirty = false

  private constructor(
    readonly file: string | undefined,
    private readonly replay: string
  ) {}

  /** The checkpoint at `file` (a new one when there is none), or one in memory only when `file` is undefined. */
  static open(file: string | undefined, replay: string): Checkpoint {
    const checkpoint = new Checkpoint(file, replay)
    if (!file || !existsSync(file)) return checkpoint
    let saved: Saved
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Saved
    } catch (error) {
      throw new UsageError(`--checkpoint ${file} is not a checkpoint this runner wrote (${(error as Error).message})`)
    }
    if (saved.version !== 1 || typeof saved.files !== 'object') {
      throw new UsageError(`--checkpoint ${file} is not a checkpoint this runner wrote`)
    }
    if (saved.replay !== replay) {
      throw new UsageError(
        `--checkpoint ${file} is for another replay (${saved.replay}); give the same input and options, or another file`
      )
    }
    for (const [name, ranges] of Object.entries(saved.files)) checkpoint.files.set(name, ranges)
    return checkpoint
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

  /** Records that Drip took the item at `position` of `file`. */
  add(file: string | undefined, position: number): void {
    const ranges = this.files.get(file ?? '') ?? []
    this.files.set(file ?? '', ranges)
    // Items mostly settle in order: extend the last range when it can be.
    const last = ranges[ranges.length - 1]
    if (last && position === last[1] + 1) last[1] = position
    else if (!this.has(file, position)) {
      ranges.push([position, position])
      ranges.sort((a, b) => a[0] - b[0])
      merge(ranges)
    }
    this.dirty = true
  }

  /** How many items Drip took, over all runs. */
  get taken(): number {
    let count = 0
    for (const ranges of this.files.values()) for (const [start, end] of ranges) count += end - start + 1
    return count
  }

  save(): void {
    if (!this.file || !this.dirty) return
    const saved: Saved = { version: 1, replay: this.replay, files: Object.fromEntries(this.files) }
    const next = `${this.file}.writing`
    writeFileSync(next, JSON.stringify(saved))
    renameSync(next, this.file)
    this.dirty = false
  }
}

/** Joins ranges that touch or overlap (sorted by start). */
function merge(ranges: Ranges): void {
  for (let i = ranges.length - 1; i > 0; i--) {
    const [before, after] = [ranges[i - 1], ranges[i]]
    if (after[0] <= before[1] + 1) {
      before[1] = Math.max(before[1], after[1])
      ranges.splice(i, 1)
    }
  }
}
