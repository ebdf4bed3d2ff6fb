import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { listenPublic } from './listen.js'

/** A stand-in whose listen() fails with `codes` in turn, recording the hosts tried. */
function fakeServer(codes: Array<string | undefined>) {
  const hosts: string[] = []
  const server = {
    listen: async ({ host }: { host: string }) => {
      hosts.push(host)
      const code = codes.shift()
      if (code) throw Object.assign(new Error(`listen ${code}`), { code })
    },
  }
  return { hosts, server: server as unknown as FastifyInstance }
}

describe('listenPublic', () => {
  it('listens dual-stack on :: when the kernel has IPv6', async () => {
    const { hosts, server } = fakeServer([undefined])
    expect(await listenPublic(server, 9100)).toBe('::')
    expect(hosts).toEqual(['::'])
  })

  it('falls back to 0.0.0.0 when the kernel has no IPv6', async () => {
    const { hosts, server } = fakeServer(['EAFNOSUPPORT', undefined])
    expect(await listenPublic(server, 9100)).toBe('0.0.0.0')
    expect(hosts).toEqual(['::', '0.0.0.0'])
  })

  it('names the variable and port when the port is taken, without a fallback', async () => {
    const { hosts, server } = fakeServer(['EADDRINUSE'])
    await expect(listenPublic(server, 9100)).rejects.toThrow(
      'SEI_SIDECAR_PUBLIC_PORT=9100: cannot listen on [::]:9100: port already in use by another process',
    )
    expect(hosts).toEqual(['::'])
  })
})
