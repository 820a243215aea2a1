import { spawnSync } from 'child_process'
import { readFileSync, writeFileSync } from 'fs'
import path from 'path'

// generated-types.ts must match the field definitions: run `npm run types` after changing a field.
const ROOT = path.join(__dirname, '..')
const checkTypes = () =>
  spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/generate-types.ts', '--check'], {
    cwd: ROOT,
    encoding: 'utf8'
  })

describe('generated types', () => {
  it('are up to date with the field definitions', () => {
    const result = checkTypes()
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' })
  })

  it('are reported stale when a file differs', () => {
    const file = path.join(ROOT, 'src', 'trackEvent', 'generated-types.ts')
    const original = readFileSync(file, 'utf8')
    try {
      writeFileSync(file, original.replace('action: string', 'action?: string'))
      const result = checkTypes()
      expect(result.status).toBe(1)
      expect(result.stderr).toContain(path.join('src', 'trackEvent', 'generated-types.ts'))
    } finally {
      writeFileSync(file, original)
    }
  })
})
