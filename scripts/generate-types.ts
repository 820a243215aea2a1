import { readFileSync, writeFileSync } from 'fs'
import path from 'path'

// `npm run types`: rewrite every generated-types.ts from the field definitions.
// `npm run types -- --check`: change nothing, list the stale files and exit 1 if there are any.
// `--json`: change nothing, print every file as it should be ({"src/...": content}), for the tests (prettier, which
// formats them, cannot load inside jest). `--src DIR` (one or more): other destination folders' (exported PRs'), not src/'s.

/** The files whose content differs from what the definitions give (`read` answers undefined for a missing file). */
export function staleFiles(generated: Map<string, string>, read: (file: string) => string | undefined): string[] {
  return [...generated].filter(([file, content]) => read(file) !== content).map(([file]) => file)
}

export function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

async function main() {
  const check = process.argv.includes('--check')
  // Loaded here, not at the top: prettier (which types.ts uses) cannot load inside jest, which imports staleFiles.
  const { generatedTypes } = await import('./types')
  const dirs = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--src' ? [path.resolve(arg)] : []))
  const generated = new Map<string, string>()
  for (const dir of dirs.length > 0 ? dirs : [undefined]) {
    for (const [file, content] of await generatedTypes(dir)) generated.set(file, content)
  }
  if (process.argv.includes('--json')) {
    const files = Object.fromEntries(
      [...generated].map(([file, content]) => [path.relative(process.cwd(), file), content])
    )
    process.stdout.write(JSON.stringify(files))
    return
  }
  const stale = staleFiles(generated, readIfThere)
  const names = stale.map((file) => path.relative(process.cwd(), file))
  if (check) {
    if (stale.length > 0) {
      console.error(`stale generated types (run npm run types): ${names.join(', ')}`)
      process.exit(1)
    }
    return
  }
  for (const [index, file] of stale.entries()) {
    writeFileSync(file, generated.get(file)!)
    console.log(`wrote ${names[index]}`)
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
