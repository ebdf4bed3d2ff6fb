/**
 * `run` against the real kube-apiserver: a SeiNode gets its ConfigMap, Service and StatefulSet (owner
 * reference, field manager), a status with observedGeneration and conditions; spec changes and hand edits
 * are reconciled; a full resync (a restarted controller re-reading everything) writes nothing, counted by
 * the API server itself. There is no kubelet: the StatefulSet's readiness is simulated through its status.
 */
import { CONTROLLER, LABELS } from '@sei-k8s/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectPlane, inNamespace, readExample } from './helpers.js'
import {
  apiRequests,
  apiWrites,
  ensureCrd,
  getObject,
  type RunningController,
  startController,
  waitFor,
} from './run-helpers.js'

const plane = connectPlane()
let ns = ''
let controller: RunningController
const OWNED_WRITES = [
  'statefulsets',
  'services',
  'configmaps',
  'seinodes',
  'serviceaccounts',
  'clusterrolebindings',
  'events',
]

interface Obj {
  metadata: {
    uid: string
    generation?: number
    resourceVersion: string
    ownerReferences?: { uid: string; controller?: boolean; kind: string }[]
    managedFields?: { manager: string }[]
  }
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
}

const stsPath = (name: string) => `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`
const nodePath = (name: string) => `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`

function condition(node: Obj | undefined, type: string): Record<string, unknown> | undefined {
  const conditions = (node?.status?.['conditions'] ?? []) as Record<string, unknown>[]
  return conditions.find((c) => c['type'] === type)
}

async function mergePatch(path: string, body: unknown): Promise<void> {
  await plane.kube.expectOk('PATCH', path, { body, contentType: 'application/merge-patch+json' })
}

beforeAll(async () => {
  await ensureCrd(plane)
  ns = await plane.createNamespace()
  controller = await startController({ kubeconfigPath: plane.kubeconfigPath, args: [`--namespace=${ns}`] })
})

afterAll(async () => {
  expect(await controller.stop()).toBe(0)
  plane.kube.close()
})

describe('run: reconcile a SeiNode', () => {
  const node = () => inNamespace(readExample('full-node.yaml'), ns)
  const name = () => node().metadata.name

  it('creates the owned objects with the owner reference and field manager, and writes the status', async () => {
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: node() })
    const created = await waitFor('the SeiNode', () => getObject<Obj>(plane, nodePath(name())))
    for (const path of [
      stsPath(name()),
      `/api/v1/namespaces/${ns}/services/${name()}`,
      `/api/v1/namespaces/${ns}/configmaps/${name()}-rbac-proxy-config`,
    ]) {
      const object = await waitFor(path, () => getObject<Obj>(plane, path))
      expect(object.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'SeiNode', uid: created.metadata.uid, controller: true }),
      ])
      expect(object.metadata.managedFields?.map((f) => f.manager)).toContain(CONTROLLER.fieldManager)
    }
    const withStatus = await waitFor('status.observedGeneration', async () => {
      const n = await getObject<Obj>(plane, nodePath(name()))
      return n?.status?.['observedGeneration'] === n?.metadata.generation ? n : undefined
    })
    expect(withStatus.status?.['phase']).toBe('Initializing')
    expect(condition(withStatus, 'Ready')).toMatchObject({ status: 'False', reason: 'StatefulSetNotReady' })
    expect(condition(withStatus, 'Reconciling')).toMatchObject({ status: 'True' })
    expect(condition(withStatus, 'Stalled')).toMatchObject({ status: 'False' })
    // The node ServiceAccount exists in this namespace nobody prepared.
    await waitFor('node ServiceAccount', () =>
      getObject(plane, `/api/v1/namespaces/${ns}/serviceaccounts/seid-node`),
    )
  })

  it('follows readyReplicas: phase Running once the pod is ready; Ready also needs SidecarReady', async () => {
    await mergePatch(`${stsPath(name())}/status`, {
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
    })
    const ready = await waitFor('phase Running', async () => {
      const n = await getObject<Obj>(plane, nodePath(name()))
      return n?.status?.['phase'] === 'Running' ? n : undefined
    })
    // No sidecar answers in this file (sidecar.int.test.ts has them): Ready waits for it.
    expect(condition(ready, 'Ready')).toMatchObject({ status: 'False', reason: 'SidecarNotReady' })
    expect(condition(ready, 'SidecarReady')).toMatchObject({ status: 'Unknown' })
    expect(condition(ready, 'Reconciling')).toMatchObject({ status: 'False' })
  })

  it('a full resync with nothing changed writes nothing (apiserver_request_total)', async () => {
    // Let the last status write and its watch events settle.
    await new Promise((r) => setTimeout(r, 1500))
    const before = await apiWrites(plane, OWNED_WRITES)
    const reconcilesBefore = controller.lines.filter((l) => l.msg === 'caches synced').length
    // A fresh process lists everything and reconciles every SeiNode: a full resync.
    expect(await controller.stop()).toBe(0)
    expect(reconcilesBefore).toBe(1)
    controller = await startController({ kubeconfigPath: plane.kubeconfigPath, args: [`--namespace=${ns}`] })
    await waitFor('the resync reconcile', async () => {
      const text = await controller.metrics()
      return /controller_runtime_reconcile_total\{controller="seinode",result="(success|requeue_after)"\} [1-9]/.test(
        text,
      )
    })
    await new Promise((r) => setTimeout(r, 1500))
    expect(await apiWrites(plane, OWNED_WRITES)).toBe(before)
  })

  it('follows a spec.image change and restores replicas changed by hand', async () => {
    await mergePatch(nodePath(name()), { spec: { image: 'ghcr.io/sei-protocol/seid:v9.9.9' } })
    await waitFor('the new image in the StatefulSet', async () => {
      const sts = await getObject<{
        spec: { template: { spec: { containers: { name: string; image: string }[] } } }
      }>(plane, stsPath(name()))
      return (
        sts?.spec.template.spec.containers.find((c) => c.name === 'seid')?.image ===
        'ghcr.io/sei-protocol/seid:v9.9.9'
      )
    })
    await mergePatch(stsPath(name()), { spec: { replicas: 3 } })
    await waitFor('replicas restored to 1', async () => {
      const sts = await getObject<{ spec: { replicas: number } }>(plane, stsPath(name()))
      return sts?.spec.replicas === 1
    })
  })

  it('restores the node label someone removed from its Service (seen by the names-only watch), with no reads', async () => {
    const svcPath = `/api/v1/namespaces/${ns}/services/${name()}`
    const before = await apiRequests(plane, 'GET', 'services')
    let polls = 0
    await plane.kube.expectOk('PATCH', svcPath, {
      body: [{ op: 'remove', path: `/metadata/labels/${LABELS.node.replace('/', '~1')}` }],
      contentType: 'application/json-patch+json',
    })
    await waitFor('the node label back on the Service', async () => {
      polls++
      const svc = await getObject<{ metadata: { labels?: Record<string, string> } }>(plane, svcPath)
      return svc?.metadata.labels?.[LABELS.node] === name()
    })
    // Every GET of a Service since was the test's own polling; the controller read none.
    expect(await apiRequests(plane, 'GET', 'services')).toBe(before + polls)
  })

  it('paused scales to 0 and says so in the status', async () => {
    await mergePatch(nodePath(name()), { spec: { paused: true } })
    await waitFor(
      'replicas 0',
      async () =>
        (await getObject<{ spec: { replicas: number } }>(plane, stsPath(name())))?.spec.replicas === 0,
    )
    const paused = await waitFor('phase Paused', async () => {
      const n = await getObject<Obj>(plane, nodePath(name()))
      return n?.status?.['phase'] === 'Paused' ? n : undefined
    })
    expect(condition(paused, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' })
  })

  it('records events.k8s.io Events on phase changes, and every log line of a reconcile names its key', async () => {
    // The Event is sent after the status patch, off the reconcile's critical path: wait for it.
    await waitFor('a PhaseChanged Event naming Paused', async () => {
      const events = await getObject<{
        items: { reason: string; note: string; regarding: { name: string } }[]
      }>(plane, `/apis/events.k8s.io/v1/namespaces/${ns}/events`)
      const notes = events?.items.filter((e) => e.reason === 'PhaseChanged').map((e) => e.note) ?? []
      return notes.some((n) => n.includes('Paused'))
    })
    const reconcileLines = controller.lines.filter((l) => l['reconcileId'] !== undefined)
    expect(reconcileLines.length).toBeGreaterThan(0)
    expect(reconcileLines.every((l) => l.key === `${ns}/${name()}`)).toBe(true)
  })
})
