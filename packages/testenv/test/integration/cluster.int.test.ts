import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ControlPlane, isPodReady, type KubeObject, startControlPlane, TOOLS } from '../../src/index.js'
import { pod, statefulSet } from './fixtures.js'

// Cluster mode: a plane of its own for this file (kube-controller-manager, kube-scheduler, kwok).
let plane: ControlPlane
beforeAll(async () => {
  plane = await startControlPlane({ cluster: true, log: (l) => process.stderr.write(`${l}\n`) })
})
afterAll(() => plane?.stop())

const readyReplicas = (o: KubeObject | undefined): number =>
  Number((o?.['status'] as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0)
const gone = (o: KubeObject | undefined): boolean => o === undefined

interface PodView {
  spec: {
    nodeName?: string
    volumes?: { name: string; projected?: { sources: Record<string, unknown>[] } }[]
  }
  status: {
    phase?: string
    containerStatuses?: { name: string; ready: boolean; started?: boolean }[]
    initContainerStatuses?: { name: string; ready: boolean; started?: boolean }[]
  }
}

describe('cluster mode', () => {
  it('runs kube-controller-manager and kube-scheduler of the apiserver release, and kwok nodes', async () => {
    expect(plane.info.cluster).toBe(true)
    expect(plane.nodeNames).toEqual(['kwok-node-0'])
    const node = await plane.waitFor('Node', undefined, 'kwok-node-0', (n) => n !== undefined)
    const status = node?.['status'] as { capacity?: Record<string, string> } | undefined
    expect(status?.capacity).toMatchObject({ pods: '110' })
    expect(plane.info.version).toBe(TOOLS.kubeControllerManager.version)
  })

  it('a StatefulSet gets a Pod that is scheduled to a kwok node, Running and Ready', async () => {
    const ns = await plane.createNamespace()
    await plane.applyManifest([statefulSet(ns, 'web', 1)])
    const sts = await plane.waitFor('StatefulSet', ns, 'web', (o) => readyReplicas(o) === 1)
    expect(readyReplicas(sts)).toBe(1)
    const p = (await plane.waitFor('Pod', ns, 'web-0', isPodReady)) as unknown as PodView
    expect(plane.nodeNames).toContain(p.spec.nodeName)
    expect(p.status.phase).toBe('Running')
    expect(p.status.containerStatuses).toEqual([
      expect.objectContaining({ name: 'app', ready: true, started: true }),
    ])
    expect(p.status.initContainerStatuses).toEqual([
      expect.objectContaining({ name: 'sidecar', ready: true, started: true }),
    ])
  })

  it('binds the claims of volumeClaimTemplates (default StorageClass kwok-volume), so the Pod schedules', async () => {
    const ns = await plane.createNamespace()
    await plane.applyManifest([statefulSet(ns, 'disk', 1, '10Gi')])
    await plane.waitFor('StatefulSet', ns, 'disk', (o) => readyReplicas(o) === 1)
    const pvc = await plane.waitFor('PersistentVolumeClaim', ns, 'data-disk-0', (o) => o !== undefined)
    const spec = pvc?.['spec'] as { storageClassName?: string; volumeName?: string } | undefined
    expect(spec?.storageClassName).toBe('kwok-volume')
    expect((pvc?.['status'] as { phase?: string } | undefined)?.phase).toBe('Bound')
    await plane.waitFor('PersistentVolume', undefined, spec?.volumeName ?? '', (o) => o !== undefined)
  })

  it('garbage-collects dependents in the background when their owner is deleted', async () => {
    const ns = await plane.createNamespace()
    const [owner] = await plane.applyManifest([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: ns } },
    ])
    const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner?.metadata['uid'] }
    await plane.applyManifest(
      ['a', 'b'].map((n) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `dep-${n}`, namespace: ns, ownerReferences: [ownerRef] },
      })),
    )
    await plane.kube.expectOk('DELETE', `/api/v1/namespaces/${ns}/configmaps/owner`, {
      body: { propagationPolicy: 'Background' },
    })
    await plane.waitFor('ConfigMap', ns, 'dep-a', gone)
    await plane.waitFor('ConfigMap', ns, 'dep-b', gone)
  })

  it('foreground deletion removes the dependents first, then the owner', async () => {
    const ns = await plane.createNamespace()
    await plane.applyManifest([statefulSet(ns, 'fg', 2)])
    await plane.waitFor('StatefulSet', ns, 'fg', (o) => readyReplicas(o) === 2)
    await plane.kube.expectOk('DELETE', `/apis/apps/v1/namespaces/${ns}/statefulsets/fg`, {
      body: { propagationPolicy: 'Foreground' },
    })
    // While dependents exist the owner stays, marked with the foregroundDeletion finalizer.
    const pending = await plane.waitFor(
      'StatefulSet',
      ns,
      'fg',
      (o) => o === undefined || !!o.metadata['deletionTimestamp'],
    )
    if (pending) expect(pending.metadata['finalizers']).toContain('foregroundDeletion')
    await plane.waitFor('StatefulSet', ns, 'fg', gone)
    await plane.waitFor('Pod', ns, 'fg-0', gone)
    await plane.waitFor('Pod', ns, 'fg-1', gone)
  })

  it('admits a Pod with its ServiceAccount token volume, and a namespace delete completes', async () => {
    const ns = await plane.createNamespace()
    await plane.createServiceAccount(ns, 'runner')
    await plane.applyManifest([pod(ns, 'with-sa', 'runner')])
    const p = (await plane.waitFor('Pod', ns, 'with-sa', isPodReady)) as unknown as PodView & {
      spec: { serviceAccountName: string; containers: { volumeMounts?: { mountPath: string }[] }[] }
    }
    expect(p.spec.serviceAccountName).toBe('runner')
    const token = p.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'))
    expect(token?.projected?.sources).toContainEqual({
      serviceAccountToken: expect.objectContaining({ path: 'token' }),
    })
    expect(p.spec.containers[0]?.volumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }),
    )
    await plane.kube.expectOk('DELETE', `/api/v1/namespaces/${ns}`)
    await plane.waitFor('Namespace', undefined, ns, gone, 60_000)
  })

  it('the not-Ready switch turns a Pod not Ready and back', async () => {
    const ns = await plane.createNamespace()
    await plane.applyManifest([statefulSet(ns, 'flip', 1)])
    await plane.waitFor('StatefulSet', ns, 'flip', (o) => readyReplicas(o) === 1)
    await plane.setPodReady(ns, 'flip-0', false)
    const down = (await plane.waitFor('Pod', ns, 'flip-0', (o) => !isPodReady(o))) as unknown as PodView
    expect(down.status.phase).toBe('Running')
    expect(down.status.containerStatuses).toEqual([expect.objectContaining({ ready: false, started: true })])
    await plane.waitFor('StatefulSet', ns, 'flip', (o) => readyReplicas(o) === 0)
    await plane.setPodReady(ns, 'flip-0', true)
    await plane.waitFor('Pod', ns, 'flip-0', isPodReady)
    await plane.waitFor('StatefulSet', ns, 'flip', (o) => readyReplicas(o) === 1)
  })
})
