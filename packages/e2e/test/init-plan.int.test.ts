/**
 * Issue 16, items 1 and 2: the controller runs each SeiNode's init plan through the node's real
 * kube-rbac-proxy into its real sidecar (Pods run from the API by the harness), and a second SeiNode in
 * another namespace peers with the first by the `status.nodeId` the controller recorded.
 */
import { CONTROLLER, peerAddress, SIDECAR_TASK_TYPES, TASK_API_PATHS } from '@sei-k8s/contract'
import { type ControlPlaneClient, connectControlPlane } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { request } from '../src/http.js'
import { controllerExample } from '../src/package-files.js'
import { type System, startSystem } from '../src/system.js'
import { callerFor } from './support/identities.js'
import { applyExample } from './support/seinodes.js'

interface SeiNodeStatus {
  readonly nodeId?: string
  readonly phase?: string
  readonly conditions?: readonly {
    readonly type: string
    readonly status: string
    readonly reason?: string
  }[]
}

let plane: ControlPlaneClient
let system: System

beforeAll(async () => {
  plane = connectControlPlane(inject('seiTestenv'))
  system = await startSystem(plane)
})

afterAll(async () => {
  await system?.stop()
})

function condition(status: SeiNodeStatus | undefined, type: string): string | undefined {
  return status?.conditions?.find((c) => c.type === type)?.status
}

/**
 * Waits until the SeiNode has SidecarReady=True, Ready=True and a nodeId; returns its status. On timeout
 * the error carries the controller's last log lines about the node and the sidecar's task list.
 */
async function waitReady(namespace: string, name: string): Promise<SeiNodeStatus> {
  try {
    return await waitReadyOnce(namespace, name)
  } catch (error) {
    const key = `${namespace}/${name}`
    const lines = system.controller.lines.filter((l) => l['key'] === key).slice(-15)
    const node = system.nodes.get(key)
    const tasks = node ? (await request(node.nodePod.publicUrl, 'GET', '/v0/livez')).status : 'not running'
    throw new Error(
      `${(error as Error).message}\ncontroller about ${key}:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nsidecar livez: ${tasks}\nsidecar log tail:\n${node?.nodePod.sidecar.output().slice(-1500)}`,
    )
  }
}

async function waitReadyOnce(namespace: string, name: string): Promise<SeiNodeStatus> {
  const node = await plane.waitFor(
    { apiVersion: 'sei.io/v1alpha1', kind: 'SeiNode' },
    namespace,
    name,
    (o) => {
      const status = (o as { status?: SeiNodeStatus } | undefined)?.status
      return (
        condition(status, 'SidecarReady') === 'True' &&
        condition(status, 'Ready') === 'True' &&
        !!status?.nodeId
      )
    },
    90_000,
  )
  return (node as unknown as { status: SeiNodeStatus }).status
}

describe('the init plan through the proxy', () => {
  let first = { namespace: '', name: '', nodeId: '' }

  it('takes full-node.yaml to SidecarReady, Ready and status.nodeId', { timeout: 120_000 }, async () => {
    const namespace = await plane.createNamespace()
    const name = await applyExample(plane, controllerExample('full-node.yaml'), namespace)
    const node = await system.runNode(namespace, name)
    const status = await waitReady(namespace, name)
    expect(status.phase).toBe('Running')
    // The plan ran in the real sidecar, submitted by the controller's ServiceAccount through the proxy.
    const controller = await callerFor(plane, CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const tasks = (
      await request(node.nodePod.proxy.url, 'GET', TASK_API_PATHS.tasks, { token: controller.token })
    ).json as { type: string; status: string; submittedAt: string }[]
    const plan = [...tasks].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))
    expect(plan.map((t) => `${t.type}:${t.status}`)).toEqual([
      `${SIDECAR_TASK_TYPES.generateIdentity}:completed`,
      `${SIDECAR_TASK_TYPES.configPatch}:completed`,
      `${SIDECAR_TASK_TYPES.configValidate}:completed`,
      `${SIDECAR_TASK_TYPES.markReady}:completed`,
    ])
    const users = node.nodePod.sidecar
      .output()
      .split('\n')
      .filter((l) => l.includes('"task submitted"'))
      .map((l) => (JSON.parse(l) as { user?: string }).user)
    expect(new Set(users)).toEqual(new Set([controller.user]))
    // The nodeId is the sidecar's own, and the real readiness probe now passes (the Pod is Ready).
    const nodeId = await request(node.nodePod.proxy.url, 'GET', TASK_API_PATHS.nodeId, {
      token: controller.token,
    })
    expect(nodeId.json).toEqual({ nodeId: status.nodeId })
    first = { namespace, name, nodeId: status.nodeId ?? '' }
  })

  it('brings up a second SeiNode in another namespace peering with the first by its nodeId', {
    timeout: 120_000,
  }, async () => {
    expect(first.nodeId).toMatch(/^[0-9a-f]{40}$/)
    const namespace = await plane.createNamespace()
    // peered-full-node.yaml in another namespace, its example peer replaced by the first node's real
    // address, as the example's comment tells a user to do.
    const example = parse(controllerExample('peered-full-node.yaml')) as { spec: { peers?: string[] } }
    const peer = peerAddress(first.nodeId, first.name, first.namespace)
    example.spec.peers = [peer]
    const name = await applyExample(plane, stringify(example), namespace)
    await system.runNode(namespace, name)
    await waitReady(namespace, name)
    expect(condition(await waitReady(first.namespace, first.name), 'Ready')).toBe('True')
    const statefulSet = (
      await plane.kube.expectOk('GET', `/apis/apps/v1/namespaces/${namespace}/statefulsets/${name}`)
    ).body as {
      spec: { template: { spec: { containers: { name: string; command?: string[]; args?: string[] }[] } } }
    }
    const seid = statefulSet.spec.template.spec.containers.find((c) => c.name === 'seid')
    const rendered = [...(seid?.command ?? []), ...(seid?.args ?? [])].join(' ')
    expect(rendered).toContain(`--p2p.persistent_peers '${peer}'`)
  })
})
