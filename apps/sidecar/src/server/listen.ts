/**
 * Binding the two listeners. The public one listens on `::` with IPv4 mapped (dual-stack), falling
 * back to `0.0.0.0` when the kernel has no IPv6; the tasks one on loopback only. A bind failure names
 * the variable and the port (e.g. `<ENV.sidecarPublicPort>=<port>: port already in use`).
 */
import { BIND, ENV, type EnvName, formatHostPort, PUBLIC_BIND_IPV4_FALLBACK } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'

/** Errors meaning "this host has no IPv6": listen on IPv4 instead. */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EPROTONOSUPPORT'])

function bindError(error: unknown, env: EnvName, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'EADDRINUSE'
      ? 'port already in use by another process'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : ((error as Error).message ?? String(error))
  return new Error(`${env}=${port}: cannot listen on ${formatHostPort(host, port)}: ${why}`, { cause: error })
}

/** Binds the public listener dual-stack, or IPv4-only without IPv6; returns the host it bound. */
export async function listenPublic(server: FastifyInstance, port: number): Promise<string> {
  try {
    await server.listen({ host: BIND.public, port, ipv6Only: false })
    return BIND.public
  } catch (error) {
    if (!NO_IPV6.has((error as NodeJS.ErrnoException).code ?? '')) {
      throw bindError(error, ENV.sidecarPublicPort, BIND.public, port)
    }
  }
  try {
    await server.listen({ host: PUBLIC_BIND_IPV4_FALLBACK, port })
    return PUBLIC_BIND_IPV4_FALLBACK
  } catch (error) {
    throw bindError(error, ENV.sidecarPublicPort, PUBLIC_BIND_IPV4_FALLBACK, port)
  }
}

/** Binds the tasks listener on loopback only. */
export async function listenTasks(server: FastifyInstance, port: number): Promise<void> {
  try {
    await server.listen({ host: BIND.tasks, port })
  } catch (error) {
    throw bindError(error, ENV.sidecarPort, BIND.tasks, port)
  }
}
