/** Free loopback ports, and the ports of /proc/net/tcp sockets in LISTEN state. */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const LOOPBACK = '127.0.0.1'

/** A TCP port that was free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, LOOPBACK, resolve)
  })
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (typeof address !== 'object' || address === null) throw new Error('the kernel assigned no port')
  return address.port
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

/** The IPv4 dotted form of a /proc/net/tcp address (little-endian hex). */
function ipv4(hex: string): string {
  return (hex.match(/../g) ?? [])
    .reverse()
    .map((byte) => Number.parseInt(byte, 16))
    .join('.')
}

/**
 * The local addresses of every socket LISTENing on `port` in this network namespace, from
 * /proc/net/tcp and /proc/net/tcp6 (state 0A). IPv6 sockets are reported as `v6:<hex>`.
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (!local || state !== '0A') continue
      const [addressHex = '', portHex = ''] = local.split(':')
      if (Number.parseInt(portHex, 16) !== port) continue
      found.push(addressHex.length === 8 ? ipv4(addressHex) : `v6:${addressHex}`)
    }
  }
  return found
}
