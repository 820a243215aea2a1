import { readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { generatedTypes } from './types'

// `npm run types`: rewrite every generated-types.ts from the field definitions.
// `npm run types -- --check`: change nothing, list the stale files and exit 1 if there are any.
async function main() {
  const check = process.argv.includes('--check')
  const stale: string[] = []
  for (const [file, content] of await generatedTypes()) {
    const name = path.relative(process.cwd(), file)
    let current = ''
    try {
      current = readFileSync(file, 'utf8')
    } catch {
      // a new action: nothing generated yet
    }
    if (current === content) continue
    if (check) {
      stale.push(name)
    } else {
      writeFileSync(file, content)
      console.log(`wrote ${name}`)
    }
  }
  if (stale.length > 0) {
    console.error(`stale generated types (run npm run types): ${stale.join(', ')}`)
    process.exit(1)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
