import { readdirSync, readFileSync, statSync } from 'fs'
import path from 'path'

// A clone with nothing beside it must run and pass: no file of the product, its tooling or its tests may name a path
// outside the repository. (scripts/references.ts alone reads the team's library, to make reference/.)

const ROOT = path.join(__dirname, '..', '..')
/** The exported folder's snapshot tests: the destination's own, and each action's. */
const SNAPSHOT_TEST = /^src\/(\w+\/)?__tests__\/snapshot\.test\.ts$/

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name)
    return statSync(file).isDirectory() ? filesUnder(file) : /\.(ts|js|json)$/.test(name) ? [file] : []
  })
}

/** Where a file points outside the repository: `../` literals and `path.join(__dirname, ...)` that leave it. */
export function outsidePaths(file: string, text: string): string[] {
  const dir = path.dirname(file)
  const found: string[] = []
  const leaves = (target: string) => path.relative(ROOT, target).startsWith('..')
  for (const match of text.matchAll(/(['"`])((?:\.\.\/)+[^'"`\n]*)\1/g)) {
    if (leaves(path.resolve(dir, match[2]))) found.push(match[2])
  }
  for (const match of text.matchAll(/path\.(?:join|resolve)\(\s*__dirname((?:\s*,\s*'[^']*')+)\s*\)/g)) {
    const segments = [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1])
    if (leaves(path.resolve(dir, ...segments))) found.push(match[0])
  }
  const named = new RegExp(`(['"\`/])${'shar'}ed(['"\`/])|DRIP_(OPENAPI|SHARED)_DIR`, 'g')
  for (const match of text.matchAll(named)) found.push(match[0])
  return found
}

it('no file under src/, tools/ or test/ names a path outside the repository', () => {
  const offenders = ['src', 'tools', 'test']
    .flatMap((dir) => filesUnder(path.join(ROOT, dir)))
    // This file's own examples below are the exception, and so are the exported folder's snapshot tests' imports of
    // action-destinations' lib/test-data where they are exported to (npm run check:export supplies one).
    .filter((file) => file !== __filename)
    .flatMap((file) =>
      outsidePaths(file, readFileSync(file, 'utf8'))
        .filter((p) => !(SNAPSHOT_TEST.test(path.relative(ROOT, file)) && /^(\.\.\/)+lib\/test-data$/.test(p)))
        .map((p) => `${path.relative(ROOT, file)}: ${p}`)
    )
  expect(offenders).toEqual([])
})

it('catches the ways a path can leave the repository', () => {
  const file = path.join(ROOT, 'tools', 'runner', 'cli.ts')
  expect(outsidePaths(file, "import x from '../../src'")).toEqual([])
  expect(outsidePaths(file, "readFileSync('../../../elsewhere/x.yaml')")).toEqual(['../../../elsewhere/x.yaml'])
  expect(outsidePaths(file, "path.join(__dirname, '..', '..', '..', 'x')")).toEqual([
    "path.join(__dirname, '..', '..', '..', 'x')"
  ])
  expect(outsidePaths(file, "path.join(__dirname, '..', '..', 'examples')")).toEqual([])
  expect(outsidePaths(file, `process.env.DRIP_${'OPENAPI'}_DIR`)).toHaveLength(1)
})
