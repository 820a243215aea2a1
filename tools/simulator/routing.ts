import https from 'https'
import net from 'net'
import { DRIP_API_BASE_URL } from '../../src/constants'

// How tooling sends the destination to a simulator: the destination always addresses Drip's real URL, and this
// process's HTTPS requests (which go through Node's global agent unless they name another) are carried to the
// simulator's port on 127.0.0.1 instead, as plain HTTP. Nothing in the destination knows.

export const DRIP_HOST = new URL(DRIP_API_BASE_URL).host

/** The agent that carries requests to the simulator at `simulatorUrl`, keeping connections alive as Node's does. */
class SimulatorAgent extends https.Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: true, scheduling: 'lifo' })
  }

  createConnection(): net.Socket {
    return net.connect(this.port, '127.0.0.1')
  }
}

/**
 * Routes this process's requests to Drip to the simulator at `simulatorUrl` (`http://127.0.0.1:PORT`) until the
 * returned function is called. Only one route at a time: a second call replaces the first.
 */
export function routeDripTo(simulatorUrl: string): () => void {
  const { hostname, port } = new URL(simulatorUrl)
  if (hostname !== '127.0.0.1') throw new Error(`the simulator must listen on 127.0.0.1, not ${hostname}`)
  const previous = https.globalAgent
  const agent = new SimulatorAgent(Number(port))
  https.globalAgent = agent
  return () => {
    if (https.globalAgent === agent) https.globalAgent = previous
    agent.destroy()
  }
}
