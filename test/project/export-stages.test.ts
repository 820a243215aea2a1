import { spawnSync } from 'child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import ts from 'typescript'
import { COMPILER_OPTIONS } from '../../scripts/export/compiler-options'

// The PR series (npm run export -- --pr N; docs/pull-requests.md): every PR's folder, exported at once, holds exactly
// its own modules, actions and tests and nothing of a later PR; its generated types and metadata.json are what its
// own definition gives; it reads as written by hand (prettier-clean, no declaration it does not use, no empty section); it compiles under
// action-destinations' compiler settings; and each PR's description lists the files it touches.
// (Its tests and snapshots, under that repository's jest, are npm run check:export -- --pr N.)

const ROOT = path.join(__dirname, '..', '..')

/** The modules of each PR's folder (generated types and tests aside), each PR adding to the one before. */
const ADDED: Record<number, string[]> = {
  1: [
    'index.ts',
    'batches.ts',
    'constants.ts',
    'credentials.ts',
    'drip-api.ts',
    'errors.ts',
    'fields.ts',
    'pickers.ts',
    'presets.ts',
    'sending.ts',
    'versioning-info.ts',
    'records/event.ts',
    'records/subscriber.ts',
    'records/values.ts',
    'identify/index.ts',
    'trackEvent/index.ts'
  ],
  2: [
    'orderActivity/index.ts',
    'cartActivity/index.ts',
    'productActivity/index.ts',
    'records/shopper-activity.ts',
    'records/shapes.ts'
  ],
  3: [
    'updateTags/index.ts',
    'unsubscribe/index.ts',
    'deletePerson/index.ts',
    'subscribeToCampaign/index.ts',
    'startWorkflow/index.ts',
    'removeFromWorkflow/index.ts',
    'records/lifecycle.ts',
    'plans.ts'
  ],
  4: ['sync-modes.ts'],
  5: ['syncAudience/index.ts', 'audiences.ts', 'hooks.ts', 'records/audience.ts', 'records/consent.ts']
}
const PRS = Object.keys(ADDED).map(Number)
const modulesOf = (pr: number) => PRS.filter((n) => n <= pr).flatMap((n) => ADDED[n])
const actionsOf = (pr: number) =>
  modulesOf(pr)
    .filter((file) => /^[A-Za-z]+\/index\.ts$/.test(file))
    .map((file) => file.split('/')[0])

/** Exported for the README's table alone: no code reads it. */
const DOCUMENTATION_ONLY = new Set(['errors.ts:NO_ANSWER_RULES'])

function filesUnder(dir: string, at = ''): string[] {
  return readdirSync(path.join(dir, at), { withFileTypes: true }).flatMap((entry) => {
    const file = at ? `${at}/${entry.name}` : entry.name
    return entry.isDirectory() ? filesUnder(dir, file) : [file]
  })
}

const run = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }
  })
const tsNode = (script: string, ...args: string[]) => run(['-r', 'ts-node/register/transpile-only', script, ...args])

let scratch: string
const folder = (pr: number) => path.join(scratch, 'drip', `pr-${pr}`)
const read = (pr: number, file: string) => readFileSync(path.join(folder(pr), file), 'utf8')

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'drip-prs-'))
  const exported = tsNode('scripts/export.ts', '--pr', 'all', path.join(scratch, 'drip'))
  expect(exported.stderr).toBe('')
  expect(exported.status).toBe(0)
}, 600_000)

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe.each(PRS)('PR %i', (pr) => {
  it("holds its own modules, its actions' generated types and tests, the folder's tests, and nothing else", () => {
    const actions = actionsOf(pr)
    const ours = (file: string) => {
      const [first] = file.split('/')
      if (first === '__tests__' || file === 'generated-types.ts' || modulesOf(pr).includes(file)) return true
      if (file === 'metadata.json') return true
      return (
        actions.includes(first) && (file.startsWith(`${first}/__tests__/`) || file === `${first}/generated-types.ts`)
      )
    }
    const expected = [...filesUnder(path.join(ROOT, 'src')), 'metadata.json'].filter(ours).sort()
    expect(filesUnder(folder(pr)).sort()).toEqual(expected)
    expect(expected).toEqual(
      expect.arrayContaining([...modulesOf(pr), ...actions.map((a) => `${a}/generated-types.ts`)])
    )
  })

  it('has the metadata.json of its own definition: its actions, and sync modes from PR 4 on', () => {
    const metadata = JSON.parse(read(pr, 'metadata.json')) as {
      actions: Record<string, { syncMode: unknown }>
      presets: Array<{ partnerAction: string }>
    }
    expect(Object.keys(metadata.actions).sort()).toEqual(actionsOf(pr).sort())
    expect(metadata.presets.every((preset) => actionsOf(pr).includes(preset.partnerAction))).toBe(true)
    expect(metadata.actions.identify.syncMode === null).toBe(pr < 4)
  })

  it('declares nothing it does not use', () => {
    expect(unusedDeclarations(folder(pr)).filter((name) => !DOCUMENTATION_ONLY.has(name))).toEqual([])
  })

  it('has no section left without a declaration', () => {
    const empty = modulesOf(pr).filter((file) =>
      /\/\/ -{20,}\n\/\/ .*\n\/\/ -{20,}\n\s*(\/\/ -{20,}|$)/.test(read(pr, file))
    )
    expect(empty).toEqual([])
  })
})

it("each PR's generated types are what npm run types writes from that PR's fields", () => {
  const dirs = PRS.map(folder)
  const result = tsNode('scripts/generate-types.ts', '--json', ...dirs.flatMap((dir) => ['--src', dir]))
  expect(result.status).toBe(0)
  const generated = Object.entries(JSON.parse(result.stdout) as Record<string, string>)
  expect(generated.length).toBe(PRS.reduce((n, pr) => n + actionsOf(pr).length + 1, 0))
  for (const [file, content] of generated)
    expect([file, readFileSync(path.resolve(ROOT, file), 'utf8')]).toEqual([file, content])
  // Warehouse sync modes come with PR 4: Identify's payload has A Deleted Row from then on only.
  expect(read(3, 'identify/generated-types.ts')).not.toContain('deleted_row')
  expect(read(4, 'identify/generated-types.ts')).toContain('deleted_row')
  // Drip as an audience destination comes with PR 5: audience settings, and the hooks' inputs and outputs.
  expect(read(4, 'generated-types.ts')).not.toContain('AudienceSettings')
  expect(read(5, 'generated-types.ts')).toContain('export interface AudienceSettings')
  expect(read(4, 'startWorkflow/generated-types.ts')).not.toContain('OnMappingSaveInputs')
  expect(read(5, 'startWorkflow/generated-types.ts')).toContain('export interface OnMappingSaveInputs')
})

it('every PR is as prettier formats it under the repository settings', () => {
  const prettier = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs')
  // metadata.json aside: action-destinations' prettier ignores it, and the generator's JSON is not prettier's.
  const modules = PRS.flatMap((pr) =>
    filesUnder(folder(pr))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(folder(pr), file))
  )
  const result = run([prettier, '--config', path.join(ROOT, '.prettierrc.json'), '--check', ...modules])
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
})

it("every PR compiles, tests included, under action-destinations' compiler settings (strict, no unused names)", () => {
  // All of them in one program, each where that repository keeps a destination, beside a stand-in for its lib/test-data.
  const pkg = path.join(scratch, 'repo', 'packages', 'destination-actions')
  for (const pr of PRS) cpSync(folder(pr), path.join(pkg, 'src', 'destinations', `pr-${pr}`), { recursive: true })
  mkdirSync(path.join(pkg, 'src', 'lib'), { recursive: true })
  cpSync(path.join(ROOT, 'scripts', 'export', 'test-data.ts'), path.join(pkg, 'src', 'lib', 'test-data.ts'))
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'repo', 'node_modules'), 'dir')
  writeFileSync(
    path.join(pkg, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['src'] })
  )
  const result = run([path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], pkg)
  expect(result.stdout).toBe('')
  expect(result.status).toBe(0)
})

it('docs/pull-requests.md lists the files each PR touches', () => {
  const docs = readFileSync(path.join(ROOT, 'docs', 'pull-requests.md'), 'utf8')
  for (const pr of PRS) {
    const section = docs.split(/^## /m).find((part) => part.startsWith(`PR ${pr}:`))
    const listed = /### Files[\s\S]*?```text\n([\s\S]*?)```/.exec(section ?? '')?.[1]
    expect({ pr, files: listed }).toEqual({ pr, files: touched(pr) })
  }
  // Every link into MIGRATION.md lands on one of its headings (as GitHub names their anchors).
  const migration = readFileSync(path.join(ROOT, 'MIGRATION.md'), 'utf8')
  const anchors = [...migration.matchAll(/^#+ (.*)$/gm)].map(([, heading]) =>
    heading
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-')
  )
  const linked = [...docs.matchAll(/\(\.\.\/MIGRATION\.md#([^)]+)\)/g)].map(([, anchor]) => anchor)
  expect(linked.length).toBeGreaterThan(5)
  expect(linked.filter((anchor) => !anchors.includes(anchor))).toEqual([])
})

// The upstream folder the series starts from (segmentio/action-destinations at 970a17ee), and what PR 1 keeps of it.
const UPSTREAM = [
  '__tests__/__snapshots__/snapshot.test.ts.snap',
  '__tests__/index.test.ts',
  '__tests__/snapshot.test.ts',
  'generated-types.ts',
  'identify/__tests__/__snapshots__/snapshot.test.ts.snap',
  'identify/__tests__/index.test.ts',
  'identify/__tests__/snapshot.test.ts',
  'identify/generated-types.ts',
  'identify/index.ts',
  'index.ts',
  'metadata.json',
  'trackEvent/__tests__/__snapshots__/snapshot.test.ts.snap',
  'trackEvent/__tests__/index.test.ts',
  'trackEvent/__tests__/snapshot.test.ts',
  'trackEvent/generated-types.ts',
  'trackEvent/index.ts'
]
const UPSTREAM_UNCHANGED = new Set(['generated-types.ts'])

/** `A`dded, `M`odified and `D`eleted files of a PR, one a line, against the PR before (upstream's folder for PR 1). */
function touched(pr: number): string {
  const now = filesUnder(folder(pr))
  const before = pr === 1 ? UPSTREAM : filesUnder(folder(pr - 1))
  const changed = (file: string) => (pr === 1 ? !UPSTREAM_UNCHANGED.has(file) : read(pr, file) !== read(pr - 1, file))
  const lines = [...new Set([...now, ...before])].sort().flatMap((file) => {
    if (!before.includes(file)) return [`A  ${file}`]
    if (!now.includes(file)) return [`D  ${file}`]
    return changed(file) ? [`M  ${file}`] : []
  })
  return lines.map((line) => `${line}\n`).join('')
}

/** `module:name` of every top-level declaration no module of the folder uses (tests aside). */
function unusedDeclarations(dir: string): string[] {
  const modules = filesUnder(dir).filter((file) => file.endsWith('.ts') && !file.includes('__tests__/'))
  const sources = new Map(
    modules.map((file) => [
      file,
      ts.createSourceFile(file, readFileSync(path.join(dir, file), 'utf8'), ts.ScriptTarget.Latest, true)
    ])
  )
  const imported = new Set<string>()
  for (const [file, source] of sources) {
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue
      const target = path.posix.join(path.posix.dirname(file), statement.moduleSpecifier.text)
      const module = sources.has(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`
      const bindings = statement.importClause?.namedBindings
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements)
          imported.add(`${module}:${(element.propertyName ?? element.name).text}`)
      }
    }
  }
  const unused: string[] = []
  for (const [file, source] of sources) {
    for (const statement of source.statements) {
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((d) => d.name)
        : 'name' in statement && statement.name
          ? [statement.name as ts.Node]
          : []
      for (const name of names.filter(ts.isIdentifier)) {
        if (imported.has(`${file}:${name.text}`) || usedIn(source, name)) continue
        unused.push(`${file}:${name.text}`)
      }
    }
  }
  return unused
}

/** Whether a module names `declared` anywhere but where it declares it (property names aside). */
function usedIn(source: ts.SourceFile, declared: ts.Identifier): boolean {
  let used = false
  const visit = (node: ts.Node) => {
    if (used) return
    if (ts.isIdentifier(node) && node !== declared && node.text === declared.text) {
      const parent = node.parent
      const propertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent)) && parent.name === node)
      if (!propertyName) used = true
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return used
}
