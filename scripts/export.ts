import { spawnSync } from 'child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs'
import path from 'path'
import { cutFolder } from './export/cut'
import type { Folder } from './export/cut'
import { writeMetadata } from './export/metadata'
import { FINAL, stage, STAGES } from './export/stages'

// `npm run export -- [--pr N] DIR`: writes the destination as it sits in segmentio/action-destinations at
// packages/destination-actions/src/destinations/drip: src/ (definition, actions with their generated types, shared
// modules, and the folder's own tests in __tests__ with their snapshots), as it stands after PR N of the series
// (scripts/export/stages.ts; docs/pull-requests.md). Without --pr, the last PR: src/ as it is. Each folder gets the
// metadata.json that repository's generate:metadata-payload writes for it, from that folder's own definition
// (scripts/export/metadata.ts). Tooling (runner, simulator, server, bench) stays here.
// An earlier PR's folder is src/ cut by the table, formatted again where the cut changed a module, with every
// generated-types.ts written from that PR's fields, and the snapshots that PR's tests take (a file of
// scripts/export/snapshots/pr-N/ in place of src/'s where they differ; npm run check:export -- --pr N --update).
// DIR must be empty, missing, or an earlier Drip (Actions) folder, which is replaced whole.
// `npm run export -- --pr all DIR`: every PR's folder, in DIR/pr-1, DIR/pr-2, ... (`diff -r` two of them to see a PR).
// `npm run export -- --list`: the PRs, one a line (number, then title).

const ROOT = path.join(__dirname, '..')
const SRC = path.join(ROOT, 'src')
const SNAPSHOTS = path.join(__dirname, 'export', 'snapshots')

export interface ExportOptions {
  /** The PR of the series whose folder to write (the last one when left out). */
  pr?: number
}

export function exportDestination(dir: string, options: ExportOptions = {}): string[] {
  return exportStages([{ dir, pr: options.pr ?? FINAL }])[0]
}

/** Several PRs' folders at once (formatted and typed together, which is quicker); the files each holds. */
export function exportStages(targets: Array<{ dir: string; pr: number }>): string[][] {
  for (const { dir, pr } of targets) {
    stage(pr)
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      const index = path.join(dir, 'index.ts')
      if (!existsSync(index) || !readFileSync(index, 'utf8').includes("slug: 'actions-drip'")) {
        throw new Error(`${dir} is not empty and holds no Drip (Actions) destination: refusing to replace it.`)
      }
      rmSync(dir, { recursive: true })
    }
  }
  const source = readFolder(SRC)
  const changed: string[] = []
  for (const { dir, pr } of targets) {
    const cut = cutFolder(source, pr)
    writeFolder(dir, cut.files)
    changed.push(...[...cut.changed].map((file) => path.join(dir, file)))
  }
  if (changed.length > 0) formatted(changed)
  const earlier = targets.filter(({ pr }) => pr !== FINAL)
  if (earlier.length > 0) {
    for (const [file, content] of generatedTypes(earlier.map(({ dir }) => dir))) writeFileSync(file, content)
    for (const { dir, pr } of earlier) writeFolder(dir, readFolder(path.join(SNAPSHOTS, `pr-${pr}`)))
  }
  // Last, from the folder as that PR leaves it: its own actions, fields and presets.
  for (const { dir } of targets) {
    const problem = writeMetadata(dir)
    if (problem) throw new Error(`could not write ${path.join(dir, 'metadata.json')}: ${problem}`)
  }
  return targets.map(({ dir }) => [...readFolder(dir).keys()])
}

/**
 * After `jest -u` in an exported folder: its snapshots kept where that PR's tests read them. The last PR's are src/'s
 * own: every __snapshots__ folder of src/ becomes the export's, files jest no longer writes dropped. An earlier PR's
 * go to scripts/export/snapshots/pr-N/ where they differ from src/'s (and only there). The files written or dropped.
 */
export function keepSnapshots(dir: string, pr = FINAL): string[] {
  const snapshots = new Map([...readFolder(dir)].filter(([file]) => file.endsWith('.snap')))
  const changed = (file: string) => readIfThere(path.join(SRC, file)) !== snapshots.get(file)
  if (pr === FINAL) {
    const folders = new Set([...snapshots.keys()].map((file) => path.posix.dirname(file)))
    const obsolete = [...readFolder(SRC).keys()].filter(
      (file) => folders.has(path.posix.dirname(file)) && !snapshots.has(file)
    )
    for (const file of obsolete) rmSync(path.join(SRC, file))
    const written = [...snapshots].filter(([file]) => changed(file))
    return [
      ...obsolete.map((file) => `src/${file} (removed: jest no longer writes it)`),
      ...written.map(([file, content]) => write(path.join(SRC, file), content))
    ]
  }
  const kept = path.join(SNAPSHOTS, `pr-${pr}`)
  rmSync(kept, { recursive: true, force: true })
  return [...snapshots]
    .filter(([file]) => changed(file))
    .map(([file, content]) => write(path.join(kept, file), content))
}

function write(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
  return path.relative(ROOT, file)
}

function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}

/** Every file under `dir` (none when it is missing), by its path relative to `dir` with forward slashes. */
function readFolder(dir: string): Folder {
  const folder: Folder = new Map()
  const visit = (at: string) => {
    for (const entry of readdirSync(path.join(dir, at), { withFileTypes: true })) {
      const file = at ? `${at}/${entry.name}` : entry.name
      if (entry.isDirectory()) visit(file)
      else folder.set(file, readFileSync(path.join(dir, file), 'utf8'))
    }
  }
  if (existsSync(dir)) visit('')
  return folder
}

function writeFolder(dir: string, folder: Folder) {
  for (const [file, content] of folder) write(path.join(dir, file), content)
}

/** Modules the cut changed, formatted as the repository's prettier settings have them. */
function formatted(files: string[]) {
  const prettier = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs')
  const config = path.join(ROOT, '.prettierrc.json')
  run(process.execPath, [prettier, '--config', config, '--log-level', 'warn', '--write', ...files])
}

/** The folders' generated-types.ts as their own fields give them (npm run types -- --src DIR). */
function generatedTypes(dirs: string[]): Map<string, string> {
  const sources = dirs.flatMap((dir) => ['--src', dir])
  const args = ['-r', 'ts-node/register/transpile-only', 'scripts/generate-types.ts', '--json', ...sources]
  // The folder lies outside the repository: it finds actions-core where the generator does.
  const out = run(process.execPath, args, { NODE_PATH: path.join(ROOT, 'node_modules') })
  const files = JSON.parse(out) as Record<string, string>
  return new Map(Object.entries(files).map(([file, content]) => [path.resolve(ROOT, file), content]))
}

function run(command: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } })
  if (result.status !== 0) {
    throw new Error(`${path.basename(args[0] ?? command)} failed (exit ${result.status}): ${result.stderr}`)
  }
  return result.stdout
}

if (require.main === module) {
  const args = process.argv.slice(2)
  if (args.includes('--list')) {
    for (const { pr, title } of STAGES) console.log(`${pr} ${title}`)
    process.exit(0)
  }
  const at = args.indexOf('--pr')
  const which = at >= 0 ? args[at + 1] : String(FINAL)
  const [dir, ...rest] = args.filter((_arg, i) => at < 0 || (i !== at && i !== at + 1))
  // An option taken for DIR would be written to as a folder.
  if (!dir || dir.startsWith('-') || rest.length > 0 || !(which === 'all' || Number.isInteger(Number(which)))) {
    console.error(
      'usage: npm run export -- [--pr N] DIR   (e.g. ../action-destinations/packages/destination-actions/src/destinations/drip)\n' +
        "       npm run export -- --pr all DIR   (every PR's folder, in DIR/pr-1, DIR/pr-2, ...)\n" +
        '       npm run export -- --list         (the PRs of the series)'
    )
    process.exit(2)
  }
  try {
    const root = path.resolve(dir)
    const targets =
      which === 'all'
        ? STAGES.map(({ pr }) => ({ dir: path.join(root, `pr-${pr}`), pr }))
        : [{ dir: root, pr: Number(which) }]
    exportStages(targets).forEach((files, i) => {
      console.log(`wrote ${files.length} files to ${targets[i].dir} (PR ${targets[i].pr} of ${FINAL})`)
    })
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
