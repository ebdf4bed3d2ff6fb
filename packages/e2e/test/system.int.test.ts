/**
 * The whole system on one cluster-mode plane (global setup): install.yaml applied, the built controller as
 * its shipped ServiceAccount, and the node Pods that kube-controller-manager creates from the controller's
 * StatefulSets run for real (sidecar + kube-rbac-proxy from the Pod and ConfigMap in the API).
 */
import { randomUUID } from 'node:crypto'
import {
  BIND,
  CONTAINERS,
  CONTROLLER,
  ENV,
  HEADERS,
  PORT_NAMES,
  PORTS,
  TASK_API_PATHS,
} from '@sei-k8s/contract'
import { type AllowedConnection, type ControlPlaneClient, connectControlPlane } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { peerLabel } from '../src/demo-format.js'
import { request, waitFor } from '../src/http.js'
import { controllerExample } from '../src/package-files.js'
import { analyzeSystem, ensureNeighbours, MONITORING_NAMESPACE } from '../src/policy-view.js'
import { listeningAddresses } from '../src/ports.js'
import { type RunningNode, type System, startSystem } from '../src/system.js'
import { everyPath, isPublicPath } from './support/every-path.js'
import { callerFor, freshCaller, serviceAccountUser } from './support/identities.js'
import { applyExample } from './support/seinodes.js'

let plane: ControlPlaneClient
let system: System
let namespace: string
let callers: string
let node: RunningNode
/** An `await-condition` task that fails after 1 s (no seid here): harmless, and it stays in the store. */
let taskId = ''

beforeAll(async () => {
  plane = connectControlPlane(inject('seiTestenv'))
  system = await startSystem(plane)
  namespace = await plane.createNamespace()
  callers = await plane.createNamespace()
  const name = await applyExample(plane, controllerExample('full-node.yaml'), namespace)
  node = await system.runNode(namespace, name)
})

afterAll(async () => {
  await system?.stop()
  expect(system?.controller.hasExited() ?? true).toBe(true)
  for (const n of system?.nodes.values() ?? []) expect(n.nodePod.sidecar.hasExited()).toBe(true)
})

const viaProxy = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(node.nodePod.proxy.url, method, path, options)

describe('a SeiNode applied to the cluster, its Pod run from the API', () => {
  it('gets a Pod from kube-controller-manager, run with exactly its env, args and ConfigMap', () => {
    const owner = (node.pod.metadata as { ownerReferences?: { kind: string }[] }).ownerReferences
    expect(owner?.map((o) => o.kind)).toEqual(['StatefulSet'])
    const { sidecar, proxy } = node.nodePod
    const moved = [ENV.sidecarPort, ENV.sidecarPublicPort, ENV.home] as string[]
    const kept = (env: Readonly<Record<string, string>>) =>
      Object.fromEntries(Object.entries(env).filter(([k]) => !moved.includes(k)))
    expect(kept(sidecar.env)).toEqual(kept(node.parts.sidecarEnv))
    // Only listen address, upstream port, config file path and kubeconfig differ from the Pod's args.
    const replaced = /^--(insecure-listen-address|secure-listen-address|upstream|config-file|kubeconfig)=/
    expect(proxy.args.filter((a) => !replaced.test(a))).toEqual(
      node.parts.proxyArgs.filter((a) => !replaced.test(a)),
    )
  })

  it('requires authorisation on every proxied path, health and metrics included', async () => {
    const stranger = await freshCaller(plane, callers, 'stranger')
    const forged = {
      [HEADERS.remoteUser]: serviceAccountUser(CONTROLLER.namespace, CONTROLLER.serviceAccount),
    }
    for (const [method, path, body] of everyPath(randomUUID())) {
      expect((await viaProxy(method, path, { body, headers: forged })).status, `${method} ${path}`).toBe(401)
      expect(
        (await viaProxy(method, path, { body, token: stranger.token })).status,
        `${method} ${path}`,
      ).toBe(403)
    }
  })

  it('replaces a forged X-Remote-User with the caller the API server authenticated', async () => {
    const controller = await callerFor(plane, CONTROLLER.namespace, CONTROLLER.serviceAccount)
    taskId = randomUUID()
    const body = {
      id: taskId,
      type: 'await-condition',
      params: { condition: 'height', targetHeight: 1, timeoutSeconds: 1 },
    }
    const res = await viaProxy('POST', TASK_API_PATHS.tasks, {
      token: controller.token,
      body,
      headers: { [HEADERS.remoteUser]: 'system:admin' },
    })
    expect(res.status, res.text).toBe(201)
    // The sidecar logs the identity it was given (stdout arrives a moment after the response).
    const logged = await waitFor('the sidecar to log the submission', async () => {
      const lines = node.nodePod.sidecar
        .output()
        .split('\n')
        .filter((l) => l.includes(taskId) && l.includes('"task submitted"'))
      return lines.length > 0 ? lines.map((l) => (JSON.parse(l) as { user?: string }).user) : undefined
    })
    expect(logged).toEqual([controller.user])
  })

  it('serves no task API on the public port, even with an identity header', async () => {
    const identity = {
      [HEADERS.remoteUser]: serviceAccountUser(CONTROLLER.namespace, CONTROLLER.serviceAccount),
    }
    for (const [method, path, body] of everyPath(taskId).filter(([, p]) => !isPublicPath(p))) {
      expect(
        (await request(node.nodePod.publicUrl, method, path, { body, headers: identity })).status,
        path,
      ).toBe(404)
    }
  })
})

interface PortSpec {
  readonly name?: string
  readonly port?: number
  readonly containerPort?: number
}

describe('the running system agrees with the contract', () => {
  it('binds, declares and proxies the contract ports: Pod, Service, proxy upstream, bound sockets', async () => {
    expect([node.parts.tasksPort, node.parts.publicPort]).toEqual([PORTS.tasks, PORTS.public])
    expect(node.parts.proxyUpstream.toString()).toBe(`http://${BIND.tasks}:${PORTS.tasks}/`)
    expect(node.parts.proxyArgs).toContain(`--insecure-listen-address=${BIND.proxy}:${PORTS.proxy}`)
    // What the processes really bound (moved ports): tasks on loopback only, public on every address.
    expect(listeningAddresses(node.nodePod.sidecar.tasksPort)).toEqual([BIND.tasks])
    expect(listeningAddresses(node.nodePod.sidecar.publicPort)).toEqual([`v6:${'0'.repeat(32)}`])
    const containers = [...(node.pod.spec.initContainers ?? []), ...node.pod.spec.containers] as {
      name: string
      ports?: PortSpec[]
    }[]
    const portsOf = (name: string) =>
      (containers.find((c) => c.name === name)?.ports ?? []).map((p) => `${p.name}:${p.containerPort}`)
    expect(portsOf(CONTAINERS.sidecar)).toEqual([`${PORT_NAMES.public}:${PORTS.public}`])
    expect(portsOf(CONTAINERS.rbacProxy)).toEqual([`${PORT_NAMES.proxy}:${PORTS.proxy}`])
    const allContainerPorts = containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))
    expect(allContainerPorts).not.toContain(PORTS.tasks)
    const service = (
      await plane.kube.expectOk('GET', `/api/v1/namespaces/${namespace}/services/${node.parts.nodeName}`)
    ).body as { spec: { ports: PortSpec[] } }
    const servicePorts = service.spec.ports.map((p) => `${p.name}:${p.port}`)
    expect(servicePorts).toEqual(
      expect.arrayContaining([`${PORT_NAMES.proxy}:${PORTS.proxy}`, `${PORT_NAMES.public}:${PORTS.public}`]),
    )
    expect(service.spec.ports.map((p) => p.port)).not.toContain(PORTS.tasks)
  })

  it('generates policies that let the controller reach 8443 and monitoring 9100, and nobody 7777', async () => {
    await ensureNeighbours(plane)
    await waitFor('the controller Deployment to have a Pod', async () => {
      const pods = (await plane.kube.expectOk('GET', `/api/v1/namespaces/${CONTROLLER.namespace}/pods`))
        .body as { items: unknown[] }
      return pods.items.length > 0 ? true : undefined
    })
    const view = await analyzeSystem(plane, [namespace])
    const policyPorts = JSON.stringify(view.policies)
    expect(policyPorts).toContain(`"port":${PORTS.proxy}`)
    expect(policyPorts).toContain(`"port":${PORTS.public}`)
    expect(policyPorts).not.toContain(`${PORTS.tasks}`)
    const toNode = view.allowed.filter((c) => c.dst.type === 'workload' && c.dst.namespace === namespace)
    const sourcesOf = (port: number) =>
      toNode
        .filter((c) => allowsPort(c, port))
        .map((c) => peerLabel(c.src))
        .sort()
    const controllerPod = view.world.find(
      (o) => o.kind === 'Pod' && o.metadata.namespace === CONTROLLER.namespace,
    )
    expect(controllerPod).toBeDefined()
    expect(sourcesOf(PORTS.proxy)).toEqual([expect.stringMatching(new RegExp(`^${CONTROLLER.namespace}/`))])
    expect(sourcesOf(PORTS.public)).toEqual([expect.stringMatching(new RegExp(`^${MONITORING_NAMESPACE}/`))])
    expect(sourcesOf(PORTS.tasks)).toEqual([])
  })
})

/** Whether the analyzer allows TCP `port` on this connection (a list of ports and `a-b` ranges, or all). */
function allowsPort(connection: AllowedConnection, port: number): boolean {
  if (connection.connections.all) return true
  return (connection.connections.protocols['TCP'] ?? []).some((entry) => {
    const [from, to = from] = entry.split('-').map(Number)
    return from !== undefined && to !== undefined && port >= from && port <= to
  })
}

describe('deleting a SeiNode', () => {
  // kube-controller-manager's garbage collector learns a new resource (the SeiNode CRD, installed moments
  // before) on its 30 s discovery resync; until then it cannot resolve the owner. Hence the long waits.
  it('garbage-collects its objects and leaves the sidecar tasks and the data volume alone', async () => {
    const name = node.parts.nodeName
    const controller = await callerFor(plane, CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const before = await waitFor('the await-condition task to finish', async () => {
      const res = await viaProxy('GET', TASK_API_PATHS.tasks, { token: controller.token })
      const tasks = res.json as { id: string; status: string }[]
      return tasks.some((t) => t.id === taskId && t.status !== 'running') ? res : undefined
    })
    await plane.kube.expectOk('DELETE', `/apis/sei.io/v1alpha1/namespaces/${namespace}/seinodes/${name}`)
    const deletedAt = Date.now()
    for (const kind of ['StatefulSet', 'Service', 'ConfigMap'] as const) {
      const objectName = kind === 'ConfigMap' ? `${name}-rbac-proxy-config` : name
      await plane.waitFor(kind, namespace, objectName, (o) => o === undefined, 90_000)
    }
    await plane.waitFor('Pod', namespace, `${name}-0`, (o) => o === undefined, 90_000)
    process.stderr.write(`garbage collection of the SeiNode's objects took ${Date.now() - deletedAt} ms\n`)
    // The data volume is retained (StatefulSet claims outlive their Pods), and the sidecar's task store
    // was not touched: the controller deleted no task on its way out.
    const claims = (
      await plane.kube.expectOk('GET', `/api/v1/namespaces/${namespace}/persistentvolumeclaims`)
    ).body as { items: { metadata: { name: string } }[] }
    expect(claims.items.map((c) => c.metadata.name)).toEqual([expect.stringContaining(`${name}-0`)])
    // Every task that had finished is still there, unchanged (the controller may have added its own).
    const after = await viaProxy('GET', TASK_API_PATHS.tasks, { token: controller.token })
    const finished = (before.json as { status: string }[]).filter((t) => t.status !== 'running')
    expect(after.json).toEqual(expect.arrayContaining(finished))
    expect(node.nodePod.sidecar.output()).not.toContain('"task deleted"')
  }, 200_000)
})
