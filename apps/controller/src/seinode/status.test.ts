import { describe, expect, it } from 'vitest'
import { node } from '../../test/fixtures.js'
import type { SeiNode } from '../api/seinode.js'
import { computeStatus, isSameStatus } from './status.js'

const T0 = '2026-01-01T00:00:00Z'
const T1 = '2026-01-01T00:01:00Z'

function withGeneration(n: SeiNode, generation: number): SeiNode {
  return { ...n, metadata: { ...n.metadata, generation } }
}

const sts = (readyReplicas: number) => ({ metadata: { name: 'n', uid: 'u' }, status: { readyReplicas } })

const sidecarReady = {
  sidecarReady: { status: 'True' as const, reason: 'Ready', message: 'the sidecar reports Ready' },
}

function condition(status: ReturnType<typeof computeStatus>, type: string) {
  return status.conditions?.find((c) => c.type === type)
}

describe('status', () => {
  it('is Initializing and Reconciling until the pod is ready, then Running and Ready', () => {
    const n = withGeneration(node(), 3)
    const waiting = computeStatus({ node: n, statefulSet: sts(0), stall: undefined, now: T0 })
    expect(waiting.phase).toBe('Initializing')
    expect(waiting.observedGeneration).toBe(3)
    expect(condition(waiting, 'Ready')?.status).toBe('False')
    expect(condition(waiting, 'Reconciling')?.status).toBe('True')
    expect(condition(waiting, 'Stalled')?.status).toBe('False')
    const ready = computeStatus({
      node: { ...n, status: waiting },
      statefulSet: sts(1),
      stall: undefined,
      now: T1,
      sidecar: sidecarReady,
    })
    expect(ready.phase).toBe('Running')
    expect(condition(ready, 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: T1,
      observedGeneration: 3,
    })
    expect(condition(ready, 'Stalled')?.lastTransitionTime).toBe(T0)
  })

  it('says a paused node is scaled to 0', () => {
    const n = node({ paused: true })
    const status = computeStatus({ node: n, statefulSet: sts(0), stall: undefined, now: T0 })
    expect(status.phase).toBe('Paused')
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' })
    expect(condition(status, 'Ready')?.message).toMatch(/scaled to 0/)
  })

  it("is Stalled with the API's reason and message", () => {
    const stall = { reason: 'Invalid', message: 'spec: Forbidden: updates to statefulset spec …' }
    const status = computeStatus({ node: node(), statefulSet: sts(0), stall, now: T0 })
    expect(status.phase).toBe('Failed')
    expect(condition(status, 'Stalled')).toMatchObject({ status: 'True', ...stall })
    expect(condition(status, 'Reconciling')?.status).toBe('False')
  })

  it('recomputing an unchanged state gives an equal status (no write) and keeps other conditions', () => {
    const n = node()
    const sidecar = {
      type: 'SidecarReady',
      status: 'Unknown' as const,
      reason: 'NotChecked',
      message: '',
      lastTransitionTime: T0,
    }
    const first = computeStatus({
      node: { ...n, status: { conditions: [sidecar] } },
      statefulSet: sts(1),
      stall: undefined,
      now: T0,
    })
    const again = computeStatus({
      node: { ...n, status: first },
      statefulSet: sts(1),
      stall: undefined,
      now: T1,
    })
    expect(isSameStatus(first, again)).toBe(true)
    expect(condition(again, 'SidecarReady')).toEqual(sidecar)
  })

  it('is not Ready while the pod is ready but SidecarReady is not True, and says why', () => {
    const forbidden = {
      sidecarReady: { status: 'False' as const, reason: 'Forbidden', message: '403 from kube-rbac-proxy: …' },
    }
    const status = computeStatus({
      node: node(),
      statefulSet: sts(1),
      stall: undefined,
      now: T0,
      sidecar: forbidden,
    })
    expect(status.phase).toBe('Running')
    expect(condition(status, 'SidecarReady')).toMatchObject({ status: 'False', reason: 'Forbidden' })
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'SidecarNotReady' })
    expect(condition(status, 'Ready')?.message).toContain('Forbidden: 403 from kube-rbac-proxy')
  })

  it('reports a failed plan task as Ready=False with its reason and error, and records the plan and node id', () => {
    const failed = computeStatus({
      node: node(),
      statefulSet: sts(1),
      stall: undefined,
      now: T0,
      sidecar: {
        sidecarReady: { status: 'False', reason: 'Initializing', message: 'init plan stopped' },
        taskFailure: { reason: 'InitTaskFailed', message: 'config-validate failed: client.toml chain-id …' },
        nodeId: 'ab'.repeat(20),
      },
    })
    expect(condition(failed, 'Ready')).toMatchObject({ status: 'False', reason: 'InitTaskFailed' })
    expect(failed.nodeId).toBe('ab'.repeat(20))
    const done = computeStatus({
      node: { ...node(), status: failed },
      statefulSet: sts(1),
      stall: undefined,
      now: T1,
      sidecar: {
        ...sidecarReady,
        record: { initializedGeneration: 1, configuredGeneration: 1, appliedOverridesHash: 'h' },
      },
    })
    expect(condition(done, 'Ready')?.status).toBe('True')
    expect(done).toMatchObject({
      nodeId: 'ab'.repeat(20),
      initializedGeneration: 1,
      appliedOverridesHash: 'h',
    })
  })
})
