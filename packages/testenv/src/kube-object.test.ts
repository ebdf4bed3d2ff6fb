import { describe, expect, it } from 'vitest'
import { findResource, groupVersionPath, isKubeObject, objectPath } from './kube-object.js'

describe('objectPath', () => {
  it('maps core and grouped, namespaced and cluster-scoped resources', () => {
    expect(groupVersionPath('v1')).toBe('/api/v1')
    expect(objectPath('apps/v1', { name: 'statefulsets', namespaced: true }, 'n', 'ns')).toBe(
      '/apis/apps/v1/namespaces/ns/statefulsets/n',
    )
    expect(objectPath('v1', { name: 'namespaces', namespaced: false }, 'ns')).toBe('/api/v1/namespaces/ns')
  })
  it('refuses a namespaced object without a namespace', () => {
    expect(() => objectPath('v1', { name: 'pods', namespaced: true }, 'p')).toThrow(/TESTENV_INVALID_INPUT/)
  })
})

describe('findResource', () => {
  it('skips subresources that share the kind', () => {
    const discovery = {
      resources: [
        { name: 'pods/status', kind: 'Pod', namespaced: true },
        { name: 'pods', kind: 'Pod', namespaced: true },
      ],
    }
    expect(findResource(discovery, 'Pod')).toEqual({ name: 'pods', namespaced: true })
    expect(findResource(discovery, 'Node')).toBeUndefined()
  })
})

describe('isKubeObject', () => {
  it('needs apiVersion, kind and metadata.name', () => {
    expect(isKubeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toBe(true)
    expect(isKubeObject({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).toBe(false)
  })
})
