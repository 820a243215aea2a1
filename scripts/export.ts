import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'fs'
import path from 'path'
import { writeMetadata } from './export/metadata'

// `npm run export -- DIR`: writes the destination as it sits in segmentio/action-destinations at
// packages/destination-actions/src/destinations/drip: src/ as it is (definition, actions with their generated types,
// shared modules, and the folder's own tests in __tests__ with their snapshots), and the metadata.json that
// repository's generate:metadata-payload writes for it (scripts/export/metadata.ts). Tooling (runner, simulator,
// server, bench) stays here.
// DIR must be empty, missing, or an earlier Drip (Actions) folder, which is replaced whole.

const SRC = path.join(__dirname, '..', 'src')

export function exportDestination(dir: string): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const index = path.join(dir, 'index.ts')
    if (!existsSync(index) || !readFileSync(index, 'utf8').includes("slug: 'actions-drip'")) {
      throw new Error(`${dir} is not empty and holds no Drip (Actions) destination: refusing to replace it.`)
    }
    rmSync(dir, { recursive: true })
  }
  mkdirSync(dir, { recursive: true })
  cpSync(SRC, dir, { recursive: true })
  const problem = writeMetadata(dir)
  if (problem) throw new Error(`could not write ${path.join(dir, 'metadata.json')}: ${problem}`)
  return filesUnder(dir).map((file) => path.relative(dir, file))
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]
  )
}

if (require.main === module) {
  const [dir, ...rest] = process.argv.slice(2)
  // An option taken for DIR would be written to as a folder.
  if (!dir || dir.startsWith('-') || rest.length > 0) {
    console.error(
      'usage: npm run export -- DIR   (e.g. ../action-destinations/packages/destination-actions/src/destinations/drip)'
    )
    process.exit(2)
  }
  try {
    const files = exportDestination(path.resolve(dir))
    console.log(`wrote ${files.length} files to ${path.resolve(dir)}`)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
