import { readFileSync } from 'fs'
import path from 'path'

// The run is only worth its name if actions-core's fetch is the one named: cross-fetch 3.1.4 over node-fetch 2.6.1.
function versionOf(name: string): string {
  const main = require.resolve(name)
  const packageJson = path.join(main.slice(0, main.lastIndexOf(`${path.sep}${name}${path.sep}`)), name, 'package.json')
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version
}
const versions = `cross-fetch ${versionOf('cross-fetch')}, node-fetch ${versionOf('node-fetch')}`
if (versions !== 'cross-fetch 3.1.4, node-fetch 2.6.1') throw new Error(`test:fetch-2.6.1 loads ${versions}`)
