import { mkdirSync, writeFileSync } from 'fs'
import path from 'path'
import { gzipSync } from 'zlib'
import { runMain, tmp, identify } from './run-cli'
async function go() {
  const dir = tmp()
  const days = ['2026-11-01/00', '2026-11-01/01', '2026-11-02/00']
  let n = 0
  const count = 7920
  days.forEach((day, d) => {
    mkdirSync(path.join(dir, 'source-1', day), { recursive: true })
    const lines: string[] = []
    for (const end = Math.round(((d + 1) * count) / days.length); n < end; n++) lines.push(identify(n))
    writeFileSync(path.join(dir, 'source-1', day, `part-${d}.json.gz`), gzipSync(`${lines.join('\n')}\n`))
  })
  const args = [dir, '--batch', '--batch-size', '72', '--quiet', '--unlimited']
  const t = Date.now()
  const plan = await runMain([...args, '--dry-run'])
  console.log(plan.code, Date.now() - t, plan.stdout.slice(-600))
}
go()
