import { existsSync, readFileSync } from 'fs'
import path from 'path'

// The project's own reference data (`reference/`, made by `npm run references`), found from the sources and from the
// compiled tooling in dist/ alike: the folder that holds the package's package.json.

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'reference'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`actions-drip: no reference/ folder above ${from}`)
  }
}

export const PACKAGE_ROOT = packageRoot(__dirname)

/** A file of `reference/`, parsed. */
export function readReference<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'reference', file), 'utf8')) as T
}
