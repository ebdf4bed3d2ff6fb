/**
 * Refusals retrying cannot fix now: a StatefulSet of the node's name owned by nobody (or someone else), and
 * an immutable-field change the API server rejects. Both give Stalled=True with the reason and message,
 * and the key is retried with exponential backoff: the apply attempts the API server counts over 30 s stay
 * bounded (5 ms doubling: about 13 in 30 s; a hot loop would make thousands).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectPlane, inNamespace, readExample } from './helpers.js'
import {
  apiRequests,
  ensureCrd,
  getObject,
  type RunningController,
  startController,
  waitFor,
} from './run-helpers.js'

const plane = connectPlane()
let ns = ''
let controller: RunningController

interface Node {
  status?: {
    phase?: string
    conditions?: { type: string; status: string; reason: string; message: string }[]
  }
}

const stalled = (node: Node | undefined) => node?.status?.conditions?.find((c) => c.type === 'Stalled')

beforeAll(async () => {
  await ensureCrd(plane)
  ns = await plane.createNamespace()
  controller = await startController({ kubeconfigPath: plane.kubeconfigPath, args: [`--namespace=${ns}`] })
})

afterAll(async () => {
  expect(await controller.stop()).toBe(0)
  plane.kube.close()
})

describe('run: Stalled', () => {
  it('does not take over a foreign StatefulSet of the same name', async () => {
    const node = inNamespace(readExample('seed.yaml'), ns)
    const name = node.metadata.name
    await plane.kube.expectOk('POST', `/apis/apps/v1/namespaces/${ns}/statefulsets`, {
      body: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: 'other' } },
          serviceName: 'other',
          template: {
            metadata: { labels: { app: 'other' } },
            spec: { containers: [{ name: 'x', image: 'x' }] },
          },
        },
      },
    })
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: node })
    const stalledNode = await waitFor('Stalled=True', async () => {
      const n = await getObject<Node>(plane, `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`)
      return stalled(n)?.status === 'True' ? n : undefined
    })
    expect(stalled(stalledNode)).toMatchObject({ reason: 'NotOwned' })
    expect(stalled(stalledNode)?.message).toContain(
      `StatefulSet ${ns}/${name} exists and is not controlled by this SeiNode`,
    )
    expect(stalledNode.status?.phase).toBe('Failed')
    const warning = await waitFor('a Stalled Warning Event', async () => {
      const events = await getObject<{
        items: { reason: string; type: string; note: string; regarding: { name: string } }[]
      }>(plane, `/apis/events.k8s.io/v1/namespaces/${ns}/events`)
      return events?.items.find((e) => e.reason === 'Stalled' && e.regarding.name === name)
    })
    expect(warning.type).toBe('Warning')
    expect(warning.note).toContain('NotOwned')
    const sts = await getObject<{ metadata: { ownerReferences?: unknown[] }; spec: { serviceName: string } }>(
      plane,
      `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`,
    )
    expect(sts?.metadata.ownerReferences).toBeUndefined()
    expect(sts?.spec.serviceName).toBe('other')
  })

  it('does not merge itself into a foreign Service of the same name whose fields do not overlap ours', async () => {
    // Server-side apply with force would merge our ports and selector into it (no field conflicts):
    // the names-only watch sees it first, so nothing is applied.
    const node = inNamespace(readExample('full-node.yaml'), ns)
    const name = `${node.metadata.name}-svc`
    const servicePath = `/api/v1/namespaces/${ns}/services/${name}`
    await plane.kube.expectOk('POST', `/api/v1/namespaces/${ns}/services`, {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { ports: [{ name: 'web', port: 80 }], selector: { app: 'web' } },
      },
    })
    const before = await apiRequests(plane, 'APPLY', 'services')
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, {
      body: { ...node, metadata: { ...node.metadata, name } },
    })
    const stalledNode = await waitFor('Stalled=True', async () => {
      const n = await getObject<Node>(plane, `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`)
      return stalled(n)?.status === 'True' ? n : undefined
    })
    expect(stalled(stalledNode)?.message).toContain(`Service ${ns}/${name} exists and is not controlled`)
    expect(await apiRequests(plane, 'APPLY', 'services')).toBe(before)
    const svc = await getObject<{ metadata: { labels?: unknown }; spec: { ports: unknown[] } }>(
      plane,
      servicePath,
    )
    expect(svc?.metadata.labels).toBeUndefined()
    expect(svc?.spec.ports).toHaveLength(1)
  })

  it("an immutable-field change is Stalled with the API's reason, retried with backoff (measured over 30 s)", async () => {
    const node = inNamespace(readExample('full-node.yaml'), ns)
    const name = node.metadata.name
    const path = `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes/${name}`
    await plane.kube.expectOk('POST', `/apis/sei.io/v1alpha1/namespaces/${ns}/seinodes`, { body: node })
    await waitFor('the StatefulSet', () =>
      getObject(plane, `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}`),
    )
    // volumeClaimTemplates are immutable: a new storage size is refused by the API server.
    await plane.kube.expectOk('PATCH', path, {
      body: { spec: { fullNode: { storage: { size: '7Ti' } } } },
      contentType: 'application/merge-patch+json',
    })
    const stalledNode = await waitFor('Stalled=True', async () => {
      const n = await getObject<Node>(plane, path)
      return stalled(n)?.status === 'True' ? n : undefined
    })
    expect(stalled(stalledNode)?.reason).toBe('Invalid')
    expect(stalled(stalledNode)?.message).toMatch(
      /spec\.volumeClaimTemplates: Invalid value: .*field is immutable/,
    )
    const before = await apiRequests(plane, 'APPLY', 'statefulsets')
    const started = Date.now()
    await new Promise((r) => setTimeout(r, 30_000))
    const attempts = (await apiRequests(plane, 'APPLY', 'statefulsets')) - before
    const seconds = (Date.now() - started) / 1000
    process.stderr.write(`stalled key: ${attempts} apply attempts in ${seconds.toFixed(1)} s\n`)
    expect(attempts).toBeGreaterThan(0)
    expect(attempts).toBeLessThanOrEqual(20)
  }, 90_000)
})
