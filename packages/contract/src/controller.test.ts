import { describe, expect, it } from 'vitest'
import { CONTROLLER_PATHS, CONTROLLER_PORT_NAMES, CONTROLLER_PORTS } from './controller.js'
import { PORT_RANGE } from './ports.js'

describe('controller ports', () => {
  it('gives health and metrics distinct ports in range', () => {
    const ports = Object.values(CONTROLLER_PORTS)
    expect(new Set(ports).size).toBe(ports.length)
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(PORT_RANGE.min)
      expect(port).toBeLessThanOrEqual(PORT_RANGE.max)
    }
  })

  it('uses distinct IANA_SVC_NAME port names', () => {
    const names = Object.values(CONTROLLER_PORT_NAMES)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9-]{0,14}$/)
  })

  it('serves health and readiness apart from metrics', () => {
    expect(new Set(Object.values(CONTROLLER_PATHS)).size).toBe(3)
  })
})
