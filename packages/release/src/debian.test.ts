import { describe, expect, it } from 'vitest'
import { debianSuite } from './debian.js'

describe('debianSuite', () => {
  it('reads the codename from os-release, quoted or not', () => {
    expect(debianSuite('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n')).toBe(
      'bookworm',
    )
    expect(debianSuite('VERSION_CODENAME="trixie"\n')).toBe('trixie')
  })

  it('fails by name on a machine without one', () => {
    expect(() => debianSuite('NAME=Alpine\n')).toThrow('/etc/os-release has no VERSION_CODENAME')
  })
})
