import { spawnSync } from 'child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import { exportDestination, keepSnapshots } from './export'
import { COMPILER_OPTIONS } from './export/compiler-options'

// `npm run check:export`: the exported folder, built and tested as segmentio/action-destinations would, without that
// repository: laid out at its path, compiled by its TypeScript (5.5) under its compiler settings (lib es2020, strict,
// no unused names), and its tests run by jest with nock and actions-core, beside a stand-in for its lib/test-data
// (which gives the same seeded data: the committed snapshots were written by that repository's own module and pass
// here unchanged). `-- --update` rewrites src/__tests__/__snapshots__ after an intended change of what is sent.
// `-- --pr N`: the folder as it stands after PR N of the series (npm run export -- --list); with --update, that PR's
// snapshots (scripts/export/snapshots/pr-N/ where they differ from src/'s).

const ROOT = path.join(__dirname, '..')

function run(command: string, args: string[], cwd: string): void {
  console.log(`$ ${[path.basename(command), ...args].join(' ')}`)
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } })
  if (result.status !== 0) {
    console.error(`check:export failed: ${path.basename(command)} exited ${result.status}`)
    process.exit(1)
  }
}

function main() {
  const repo = mkdtempSync(path.join(tmpdir(), 'action-destinations-'))
  try {
    const pkg = path.join(repo, 'packages', 'destination-actions')
    const drip = path.join(pkg, 'src', 'destinations', 'drip')
    const at = process.argv.indexOf('--pr')
    const pr = at >= 0 ? Number(process.argv[at + 1]) : undefined
    const files = exportDestination(drip, { pr })
    console.log(`exported ${files.length} files to ${path.relative(repo, drip)}`)
    mkdirSync(path.join(pkg, 'src', 'lib'), { recursive: true })
    cpSync(path.join(__dirname, 'export', 'test-data.ts'), path.join(pkg, 'src', 'lib', 'test-data.ts'))
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir')
    writeFileSync(
      path.join(pkg, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['src'] }, null, 2)
    )
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript-5.5', 'bin', 'tsc'), '-p', 'tsconfig.json'], pkg)
    const jestConfig = {
      rootDir: pkg,
      testEnvironment: 'node',
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: { ...COMPILER_OPTIONS, noEmit: false, isolatedModules: true } }]
      }
    }
    const update = process.argv.includes('--update')
    // --ci: a snapshot that is missing or differs fails, as in that repository's CI.
    const jest = [
      require.resolve('jest/bin/jest'),
      update ? '--ci=false' : '--ci',
      '--config',
      JSON.stringify(jestConfig)
    ]
    run(process.execPath, update ? [...jest, '-u'] : jest, pkg)
    if (update) for (const file of keepSnapshots(drip, pr)) console.log(`updated ${file}`)
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }
}

main()
