import { createServer } from 'http'
import type { AddressInfo } from 'net'

// A fake Drip for the CPU measurement of `npm run bench`, run in a process of its own so that none of its work is
// counted in the destination's process. It answers every request at once, as Drip answers a success on the path
// (a batch 201 `{}`, an event 204, a person 200 with the person, and the budget headers), after reading the whole
// body; it checks nothing. `GET /_fake/stats` counts what it received by method and path (account id left out), for
// the bench to see that the senders it compares sent the same requests. It prints its URL as the first line.

const counts: Record<string, { requests: number; bytes: number }> = {}
const json = { 'Content-Type': 'application/json; charset=utf-8' }
const budget = (batch: boolean) => ({ 'X-RateLimit-Limit': batch ? '50' : '3600', 'X-RateLimit-Remaining': '49' })

const server = createServer((req, res) => {
  let bytes = 0
  req.on('data', (chunk: Buffer) => (bytes += chunk.length))
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (path === '/_fake/stats') {
      res.writeHead(200, json).end(JSON.stringify(counts))
      return
    }
    const key = `${req.method} ${path.replace(/^\/(v[23])\/[^/]+\//, '/$1/:account/')}`
    const count = (counts[key] ??= { requests: 0, bytes: 0 })
    count.requests++
    count.bytes += bytes
    const batch = /\/batch(es)?$/.test(path)
    if (batch) res.writeHead(201, { ...json, ...budget(true) }).end('{}')
    else if (path.endsWith('/events')) res.writeHead(204, budget(false)).end()
    else if (path.endsWith('/subscribers')) {
      const body = { links: {}, subscribers: [{ id: 'z1', status: 'active' }] }
      res.writeHead(200, { ...json, ...budget(false) }).end(JSON.stringify(body))
    } else res.writeHead(200, { ...json, ...budget(false) }).end('{}')
  })
})

server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`)
})
// The bench ends it by closing its stdin (or by exiting).
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
