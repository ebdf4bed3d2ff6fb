import { describe, expect, it } from 'vitest'
import type { KubeObject } from './kube-object.js'
import { conditionStatus, describeForTimeout, isPodReady, resolveKind } from './wait-for.js'

const pod = (ready: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n' },
  status: {
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: ready },
    ],
  },
})

describe('waitFor helpers', () => {
  it('knows the apiVersion of built-in kinds and passes others through', () => {
    expect(resolveKind('StatefulSet')).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet' })
    expect(resolveKind('Pod')).toEqual({ apiVersion: 'v1', kind: 'Pod' })
    const seiNode = { apiVersion: 'sei.io/v1alpha1', kind: 'SeiNode' }
    expect(resolveKind(seiNode)).toEqual(seiNode)
  })
  it('reads a condition, and Pod readiness from it', () => {
    expect(conditionStatus(pod('False'), 'PodScheduled')).toBe('True')
    expect(conditionStatus(pod('False'), 'Missing')).toBeUndefined()
    expect(isPodReady(pod('True'))).toBe(true)
    expect(isPodReady(pod('False'))).toBe(false)
    expect(isPodReady(undefined)).toBe(false)
  })
  it('describes the last seen state on timeout, bounded', () => {
    expect(describeForTimeout(undefined)).toBe('not found')
    expect(describeForTimeout(pod('False'))).toContain('"Ready"')
    const big = { ...pod('False'), status: { text: 'x'.repeat(5_000) } }
    expect(describeForTimeout(big).length).toBeLessThan(700)
  })
})
