import { spawnSync } from 'child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { keepSnapshots } from './export'
import { stage } from './export/stages'
import { PACKAGE_BUILD_OPTIONS, ROOT_COMPILER_OPTIONS } from './export/compiler-options'
import { writeMetadata } from './export/metadata'

// `npm run check:export [-- --update] [-- --pr N] [-- DIR]`: the exported folder, checked as
// segmentio/action-destinations' CI checks a destination PR, with the versions its yarn.lock pins
// (scripts/export/toolchain, installed by `npm run export:toolchain`; docs/export.md lists them). The folder is laid
// out at packages/destination-actions/src/destinations/drip in a temporary copy of that repository's skeleton (its
// compiler, jest, prettier and eslint settings), beside a stand-in for its lib/test-data, and then:
//   tsc 5.5.4 (tests included), jest 27 --ci with coverage of the folder (80% of lines at least), prettier 2.4.1
//   --check, eslint 7.32 with its rules, and metadata.json as its generator writes it.
// Without DIR the folder is `npm run export`'s (with --pr N, the folder after PR N of the series, npm run export --
// --list); with DIR, a folder exported before. `--update` keeps the snapshots jest 27 writes after an intended change
// of what is sent: every __snapshots__ folder of src/ (the last PR's), or with --pr N an earlier PR's, in
// scripts/export/snapshots/pr-N/ where they differ from src/'s.

const ROOT = path.join(__dirname, '..')
const TOOLCHAIN = path.join(__dirname, 'export', 'toolchain', 'node_modules')
const DRIP = path.join('packages', 'destination-actions', 'src', 'destinations', 'drip')
const MIN_LINE_COVERAGE = 80

// packages/destination-actions' jest settings (its package.json), less the mappings to the workspace's sources.
const JEST_CONFIG = {
  preset: 'ts-jest',
  globals: { 'ts-jest': { isolatedModules: true } },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '__tests__/__helpers__/']
}

// The repository's prettier settings (root package.json) and .prettierignore.
const PRETTIER = { semi: false, singleQuote: true, trailingComma: 'none', printWidth: 120 }
const PRETTIER_IGNORE = '**/metadata.json\n'

// The repository's .eslintrc.js: the whole of what applies to packages/destination-actions' TypeScript.
const ESLINT = {
  root: true,
  ignorePatterns: ['node_modules', 'dist', 'templates', 'scripts', '**/node_modules'],
  parser: '@typescript-eslint/parser',
  parserOptions: {
    ecmaVersion: 2019,
    project: ['./tsconfig.eslint.json', './packages/*/tsconfig.json'],
    tsconfigRootDir: '.'
  },
  env: { node: true },
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/recommended',
    'plugin:@typescript-eslint/recommended-requiring-type-checking',
    'prettier/@typescript-eslint',
    'prettier'
  ],
  plugins: ['@typescript-eslint', 'lodash'],
  rules: {
    'lodash/import-scope': ['error', 'method'],
    '@typescript-eslint/ban-types': 'off',
    '@typescript-eslint/ban-ts-comment': [
      'error',
      {
        'ts-expect-error': 'allow-with-description',
        'ts-ignore': 'allow-with-description',
        'ts-nocheck': true,
        'ts-check': false
      }
    ],
    '@typescript-eslint/explicit-module-boundary-types': 'off',
    '@typescript-eslint/no-empty-interface': 'off',
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-unsafe-assignment': 'off',
    '@typescript-eslint/no-unsafe-call': 'warn',
    '@typescript-eslint/no-unsafe-member-access': 'off',
    '@typescript-eslint/no-unsafe-return': 'off',
    'no-unused-vars': 'off',
    '@typescript-eslint/no-unused-vars': [
      'error',
      { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }
    ],
    '@typescript-eslint/require-await': 'off',
    '@typescript-eslint/restrict-plus-operands': 'off',
    '@typescript-eslint/restrict-template-expressions': 'off',
    '@typescript-eslint/unbound-method': 'off',
    '@typescript-eslint/no-unsafe-argument': 'warn',
    '@typescript-eslint/no-misused-promises': 'warn',
    '@typescript-eslint/no-unnecessary-type-assertion': 'warn'
  },
  overrides: [
    {
      files: ['*.test.ts', '**/__tests__/**/*.ts', '**/test/**/*.ts'],
      env: { jest: true },
      plugins: ['jest'],
      rules: {
        '@typescript-eslint/ban-ts-comment': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        '@typescript-eslint/no-explicit-any': 'off',
        '@typescript-eslint/no-empty-function': 'off'
      }
    },
    {
      files: ['packages/destination-actions/**/*.ts'],
      rules: {
        'no-restricted-syntax': [
          'error',
          {
            selector: "ImportDeclaration[source.value='crypto'] ImportSpecifier[imported.name='createHash']",
            message: 'Use destination-actions/lib/hashing-utils/processHashing rather than createHash from crypto'
          }
        ]
      }
    }
  ]
}

interface Options {
  update: boolean
  dir?: string
  /** The PR of the series whose folder to check (the last one when left out). */
  pr?: number
}

function parseArgs(args: string[]): Options {
  const options: Options = { update: false }
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--update') options.update = true
    else if (args[i] === '--pr') options.pr = Number(args[++i])
    else if (!args[i].startsWith('-') && !options.dir) options.dir = path.resolve(args[i])
    else throw new Error(`check:export: unknown argument ${args[i]}`)
  }
  if (options.pr !== undefined) stage(options.pr)
  if (options.update && options.dir) {
    throw new Error('check:export: --update keeps the snapshots of an export of src/: give it no DIR')
  }
  return options
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n'

/** The repository's skeleton around the folder, in `repo`. */
function layOut(repo: string, options: Options): string {
  const pkg = path.join(repo, 'packages', 'destination-actions')
  const drip = path.join(repo, DRIP)
  mkdirSync(path.dirname(drip), { recursive: true })
  if (options.dir) {
    cpSync(options.dir, drip, { recursive: true })
    console.log(`copied ${options.dir} to ${DRIP}`)
  } else {
    const exported = spawnSync(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(__dirname, 'export.ts'),
        ...(options.pr === undefined ? [] : ['--pr', String(options.pr)]),
        drip
      ],
      { cwd: ROOT, encoding: 'utf8' }
    )
    process.stdout.write(exported.stdout)
    process.stderr.write(exported.stderr)
    if (exported.status !== 0) throw new Error(`npm run export${options.pr ? ` -- --pr ${options.pr}` : ''} failed`)
  }
  mkdirSync(path.join(pkg, 'src', 'lib'), { recursive: true })
  cpSync(path.join(__dirname, 'export', 'test-data.ts'), path.join(pkg, 'src', 'lib', 'test-data.ts'))
  mkdirSync(path.join(pkg, 'test'), { recursive: true })
  cpSync(path.join(__dirname, 'export', 'setup-after-env.ts'), path.join(pkg, 'test', 'setup-after-env.ts'))
  symlinkSync(TOOLCHAIN, path.join(repo, 'node_modules'), 'dir')
  writeFileSync(
    path.join(repo, 'package.json'),
    json({ name: 'action-destinations', private: true, prettier: PRETTIER })
  )
  writeFileSync(path.join(repo, '.prettierignore'), PRETTIER_IGNORE)
  writeFileSync(path.join(repo, '.eslintrc.json'), json(ESLINT))
  writeFileSync(path.join(repo, 'tsconfig.json'), json({ compilerOptions: ROOT_COMPILER_OPTIONS }))
  writeFileSync(
    path.join(repo, 'tsconfig.eslint.json'),
    json({ extends: './tsconfig.json', include: ['**/test/**/*.ts', '**/__tests__/**/*.ts'] })
  )
  writeFileSync(
    path.join(pkg, 'tsconfig.build.json'),
    json({
      extends: '../../tsconfig.json',
      compilerOptions: PACKAGE_BUILD_OPTIONS,
      exclude: ['**/__tests__/**/*.ts'],
      include: ['src']
    })
  )
  writeFileSync(
    path.join(pkg, 'tsconfig.json'),
    json({
      extends: './tsconfig.build.json',
      compilerOptions: { baseUrl: '.' },
      exclude: ['dist'],
      include: ['src', 'test']
    })
  )
  writeFileSync(
    path.join(pkg, 'package.json'),
    json({ name: '@segment/action-destinations', private: true, jest: JEST_CONFIG })
  )
  return drip
}

interface Step {
  name: string
  ok: boolean
  note: string
}

function tool(name: string, bin: string): string {
  return path.join(TOOLCHAIN, name, bin)
}

function run(command: string[], cwd: string): number {
  console.log(`\n$ ${command.map((part) => (path.isAbsolute(part) ? path.relative(cwd, part) : part)).join(' ')}`)
  const result = spawnSync(process.execPath, command, { cwd, stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } })
  return result.status ?? 1
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(path.join(TOOLCHAIN, name, 'package.json'), 'utf8')) as { version: string }).version
}

function coverageOf(summaryFile: string): { lines: number; branches: number } {
  const total = (JSON.parse(readFileSync(summaryFile, 'utf8')) as { total: Record<string, { pct: number }> }).total
  return { lines: total.lines.pct, branches: total.branches.pct }
}

function check(options: Options): Step[] {
  if (!existsSync(path.join(TOOLCHAIN, 'jest'))) {
    throw new Error('check:export: the toolchain is not installed: npm run export:toolchain')
  }
  const repo = mkdtempSync(path.join(tmpdir(), 'action-destinations-'))
  const steps: Step[] = []
  try {
    const drip = layOut(repo, options)
    const pkg = path.join(repo, 'packages', 'destination-actions')
    const folder = path.relative(pkg, drip)

    // The package's tsconfig.json (the one its eslint and ts-jest read), its tests included: its rootDir (src, from the
    // build settings) would refuse test/, so the root is the package's.
    const tsc = run([tool('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit', '--rootDir', '.'], pkg)
    steps.push({ name: `tsc ${versionOf('typescript')}`, ok: tsc === 0, note: 'the folder and its tests' })

    const coverage = path.join(repo, 'coverage')
    const jest = run(
      [
        tool('jest', 'bin/jest.js'),
        options.update ? '--ci=false' : '--ci',
        ...(options.update ? ['-u'] : []),
        '--coverage',
        `--collectCoverageFrom=${folder}/**/*.ts`,
        `--collectCoverageFrom=!${folder}/**/__tests__/**`,
        '--coverageReporters=json-summary',
        '--coverageReporters=text',
        `--coverageDirectory=${coverage}`,
        folder
      ],
      pkg
    )
    steps.push({
      name: `jest ${versionOf('jest')} --ci (ts-jest ${versionOf('ts-jest')}, nock ${versionOf('nock')}, chance ${versionOf('chance')})`,
      ok: jest === 0,
      note: 'tests and snapshots'
    })
    const summary = path.join(coverage, 'coverage-summary.json')
    if (existsSync(summary)) {
      const { lines, branches } = coverageOf(summary)
      steps.push({
        name: 'coverage of the folder',
        ok: lines >= MIN_LINE_COVERAGE,
        note: `lines ${lines}% (at least ${MIN_LINE_COVERAGE}%), branches ${branches}%`
      })
    } else steps.push({ name: 'coverage of the folder', ok: false, note: 'jest wrote no coverage summary' })

    const prettier = run([tool('prettier', 'bin-prettier.js'), '--check', DRIP], repo)
    steps.push({
      name: `prettier ${versionOf('prettier')} --check`,
      ok: prettier === 0,
      note: 'metadata.json ignored, as there'
    })

    const eslint = run(
      [tool('eslint', 'bin/eslint.js'), '--no-eslintrc', '-c', '.eslintrc.json', `${DRIP}/**/*.ts`],
      repo
    )
    steps.push({
      name: `eslint ${versionOf('eslint')} (@typescript-eslint ${versionOf('@typescript-eslint/parser')})`,
      ok: eslint === 0,
      note: "the repository's rules"
    })

    console.log('\n$ metadata.json as generate:metadata-payload writes it')
    const stale = writeMetadata(drip, { check: true })
    if (stale) console.error(stale)
    else console.log(`${DRIP}/metadata.json is current`)
    steps.push({ name: 'metadata.json', ok: !stale, note: stale ? 'missing or stale' : 'current' })

    if (options.update && jest === 0) {
      for (const written of keepSnapshots(drip, options.pr)) console.log(`updated ${written}`)
    }
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
  return steps
}

function main() {
  let steps: Step[]
  try {
    steps = check(parseArgs(process.argv.slice(2)))
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
  console.log('\ncheck:export')
  for (const step of steps) console.log(`  ${step.ok ? 'ok  ' : 'FAIL'}  ${step.name}: ${step.note}`)
  const failed = steps.filter((step) => !step.ok).length
  if (failed === 0) console.log(`check:export: all ${steps.length} steps passed`)
  else console.log(`check:export: ${failed} of ${steps.length} steps failed`)
  if (failed > 0) process.exit(1)
}

main()
