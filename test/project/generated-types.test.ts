import { spawnSync } from 'child_process'
import path from 'path'
import { readIfThere, staleFiles } from '../../scripts/generate-types'

// generated-types.ts must match the field definitions: run `npm run types` after changing a field. Nothing here
// writes under src/: the generator prints what the files should be, and the comparison is in memory.
const ROOT = path.join(__dirname, '..', '..')

const run = (args: string[]) =>
  spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/generate-types.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8'
  })

const generated = () =>
  new Map(
    Object.entries(JSON.parse(run(['--json']).stdout) as Record<string, string>).map(([file, content]) => [
      path.join(ROOT, file),
      content
    ])
  )

describe('generated types', () => {
  const files = generated()

  it('are up to date with the field definitions', () => {
    expect(files.size).toBeGreaterThan(10)
    expect(staleFiles(files, readIfThere).map((file) => path.relative(ROOT, file))).toEqual([])
  })

  it('are reported stale when a file differs or is missing', () => {
    const changed = path.join(ROOT, 'src', 'trackEvent', 'generated-types.ts')
    const missing = path.join(ROOT, 'src', 'identify', 'generated-types.ts')
    const read = (file: string) =>
      file === changed
        ? files.get(file)!.replace('action: string', 'action?: string')
        : file === missing
          ? undefined
          : files.get(file)
    expect(staleFiles(files, read).sort()).toEqual([changed, missing].sort())
  })

  it('npm run types -- --check exits 0 on the committed files and writes nothing', () => {
    const result = run(['--check'])
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: ''
    })
  })
})
