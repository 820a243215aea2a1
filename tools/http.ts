import type { IncomingMessage } from 'http'

/** A request body over the size a server takes. */
export class BodyTooLarge extends Error {}

/**
 * The whole body of a request, as text. Rejects with BodyTooLarge past `maxBytes` (then stops reading), and with the
 * connection's error when the client goes away mid-upload.
 */
export function readBody(req: IncomingMessage, maxBytes = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLarge(`the request body is over ${maxBytes} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    req.on('aborted', () => reject(new Error('the client went away mid-upload')))
  })
}
