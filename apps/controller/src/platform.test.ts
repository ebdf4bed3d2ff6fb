import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PLATFORM, loadPlatformConfig } from './platform.js'
import { RELEASE_VERSION } from './version.js'

describe('loadPlatformConfig', () => {
  it('gives this release defaults without a file', () => {
    const result = loadPlatformConfig(undefined)
    expect(result).toEqual({ ok: true, value: DEFAULT_PLATFORM })
    expect(DEFAULT_PLATFORM.images.rbacProxy).toBe('quay.io/brancz/kube-rbac-proxy:v0.22.1')
    expect(DEFAULT_PLATFORM.images.sidecar).toContain(`:v${RELEASE_VERSION}`)
    expect(DEFAULT_PLATFORM.nodeServiceAccount).toBe('seid-node')
  })

  it('overrides only the fields the file sets, replacing resources blocks whole', () => {
    const result = loadPlatformConfig({
      images: { sidecar: 'reg/sidecar:1' },
      roles: { seed: { resources: { requests: { cpu: '2' } } } },
    })
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    expect(result.value.images).toEqual({
      sidecar: 'reg/sidecar:1',
      rbacProxy: DEFAULT_PLATFORM.images.rbacProxy,
    })
    expect(result.value.roles.seed).toEqual({ resources: { requests: { cpu: '2' } }, storageSize: '100Gi' })
    expect(result.value.roles.node).toEqual(DEFAULT_PLATFORM.roles.node)
    expect(Object.isFrozen(result.value.roles.seed)).toBe(true)
  })

  it('names every bad field', () => {
    const result = loadPlatformConfig({
      nodeServiceAccount: 'Bad_SA',
      roles: { node: { storageSize: 'lots' }, boss: {} },
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.map((e) => e.path)).toEqual([
      'nodeServiceAccount',
      'roles.boss',
      'roles.node.storageSize',
    ])
  })

  it('rejects a config that is not a mapping', () => {
    expect(loadPlatformConfig(['x']).ok).toBe(false)
  })
})

it('keeps RELEASE_VERSION equal to the package version', () => {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  expect(pkg).toMatchObject({ version: RELEASE_VERSION })
})
