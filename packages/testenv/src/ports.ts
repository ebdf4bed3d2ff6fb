import { createServer } from 'node:net'

/** LOOPBACK is the only address testenv listens on or dials. */
export const LOOPBACK = '127.0.0.1'

/**
 * freePort asks the kernel for a free TCP port on 127.0.0.1 and releases it. Another process may
 * take it before our server binds (a port race): callers retry their start with fresh ports.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/** freePorts returns `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

/** isAddressInUse recognises the bind failure of Go servers (etcd, kube-apiserver, kube-rbac-proxy). */
export function isAddressInUse(logText: string): boolean {
  return /address already in use|bind: address/i.test(logText)
}
