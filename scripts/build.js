// `npm run build`: compiles src/ and tools/ into dist/. The new build is made beside dist/ and swapped in whole, so a
// build stopped half-way (Ctrl-C, a type error) never leaves the command without a working dist/.
// `--if-stale` (npm start, npm run serve): builds only when a source is newer than the last build, so starting
// takes no compile when nothing changed.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const ROOT = path.join(__dirname, '..')
const DIST = path.join(ROOT, 'dist')
const STAMP = path.join(DIST, '.built')
const INPUTS = ['src', 'tools', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']

/** The newest modification time under the inputs, in ms. */
function newestInput() {
  let newest = 0
  const visit = (file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    if (!stat) return
    if (stat.isDirectory()) for (const name of fs.readdirSync(file)) visit(path.join(file, name))
    else newest = Math.max(newest, stat.mtimeMs)
  }
  for (const input of INPUTS) visit(path.join(ROOT, input))
  return newest
}

function stale() {
  const stamp = fs.statSync(STAMP, { throwIfNoEntry: false })
  return !stamp || newestInput() > stamp.mtimeMs
}

function build() {
  const next = path.join(ROOT, `dist.building-${process.pid}`)
  const old = path.join(ROOT, `dist.old-${process.pid}`)
  // Leftovers of builds that were stopped.
  for (const name of fs.readdirSync(ROOT)) {
    if (/^dist\.(building|old)-\d+$/.test(name)) fs.rmSync(path.join(ROOT, name), { recursive: true, force: true })
  }
  const tsc = require.resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', next], {
    cwd: ROOT,
    stdio: 'inherit'
  })
  if (result.status !== 0) {
    fs.rmSync(next, { recursive: true, force: true })
    process.exit(result.status ?? 1)
  }
  fs.writeFileSync(path.join(next, '.built'), new Date().toISOString())
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old)
  fs.renameSync(next, DIST)
  fs.rmSync(old, { recursive: true, force: true })
}

if (!process.argv.includes('--if-stale') || stale()) build()
