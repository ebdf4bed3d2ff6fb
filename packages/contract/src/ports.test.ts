import { describe, expect, it } from 'vitest'
import { BIND, PORT_NAMES, PORT_RANGE, PORTS, proxyUpstreamUrl, SEID_PORTS } from './ports.js'

const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/

describe('ports', () => {
  const all = [...Object.values(PORTS), ...Object.values(SEID_PORTS).map((p) => p.port)]

  it('gives every listener and seid port a distinct number in range', () => {
    expect(new Set(all).size).toBe(all.length)
    for (const port of all) {
      expect(Number.isInteger(port)).toBe(true)
      expect(port).toBeGreaterThanOrEqual(PORT_RANGE.min)
      expect(port).toBeLessThanOrEqual(PORT_RANGE.max)
    }
  })

  it('uses valid, distinct IANA_SVC_NAME port names of at most 15 characters', () => {
    const names = [...Object.values(PORT_NAMES), ...Object.values(SEID_PORTS).map((p) => p.name)]
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) {
      expect(name.length, name).toBeLessThanOrEqual(15)
      expect(name, name).toMatch(IANA_SVC_NAME)
    }
  })

  it('binds the tasks listener to loopback and the public listener to all interfaces', () => {
    expect(BIND.tasks).toBe('127.0.0.1')
    expect(BIND.public).toBe('::')
  })

  it('names the proxy port api and serves gRPC as h2c', () => {
    expect(PORT_NAMES.proxy).toBe('api')
    expect(SEID_PORTS.grpc.appProtocol).toBe('kubernetes.io/h2c')
  })

  it('points the proxy upstream at the loopback tasks port with a trailing slash', () => {
    expect(proxyUpstreamUrl()).toBe('http://127.0.0.1:7777/')
    expect(proxyUpstreamUrl(17777)).toBe('http://127.0.0.1:17777/')
  })
})
