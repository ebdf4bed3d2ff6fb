/** The ports of /proc/net/tcp sockets in LISTEN state (free ports come from @sei-k8s/testenv). */
import { readFileSync } from 'node:fs'

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
