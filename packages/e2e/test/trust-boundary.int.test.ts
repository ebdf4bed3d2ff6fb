/**
 * The trust boundary of one node pod, end to end, from real parts only: a SeiNode example rendered by the
 * controller's builders; the built sidecar process with the rendered env; a real kube-apiserver holding
 * the shipped RBAC; the real kube-rbac-proxy with the rendered args and config. Only ports (free loopback
 * ports) and SEI_HOME (a temp dir) differ from the pod.
 *
 * The cases run in order, as the pod's life does: started → marked ready by the controller → probed →
 * attacked. Every case mints its own ServiceAccount: kube-rbac-proxy caches decisions.
 */
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import {
  CONTAINERS,
  CONTROLLER,
  HEADERS,
  PUBLIC_PATHS,
  SEID_PORTS,
  SIDECAR_METRICS,
  TASK_API_PATHS,
  taskPath,
} from '@sei-k8s/contract'
import { binaryPaths, type ControlPlane, isPidAlive, startControlPlane } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, waitFor } from '../src/http.js'
import { type NodePod, startNodePod } from '../src/node-pod.js'
import { controllerExample } from '../src/package-files.js'
import { listeningAddresses } from '../src/ports.js'
import { everyPath, isPublicPath } from './support/every-path.js'
import {
  type Caller,
  callerFor,
  freshCaller,
  grantTaskApi,
  sarAttributes,
  serviceAccountUser,
  waitForAccess,
} from './support/identities.js'
import { installRbac } from './support/install-rbac.js'
import { sampleValue } from './support/metrics-text.js'
import { httpProbe, type RenderedHttpProbe, type RenderedPod, renderPod } from './support/rendered-pod.js'

/** Non-default sidecar ports (17777/19100): proves every port follows the SeiNode, not a default. */
const EXAMPLE = 'archive-custom-ports.yaml'

let plane: ControlPlane
let pod: NodePod
let rendered: RenderedPod
let callersNamespace: string
/** Set by the mark-ready case; later cases check nothing else ever reached the task store. */
let readyTaskId = '00000000-0000-4000-8000-000000000000'

beforeAll(async () => {
  plane = await startControlPlane({ binaries: binaryPaths() })
  const nodeNamespace = await plane.createNamespace()
  callersNamespace = await plane.createNamespace()
  rendered = renderPod(controllerExample(EXAMPLE), nodeNamespace)
  await plane.applyManifest(installRbac(nodeNamespace))
  const controller = serviceAccountUser(CONTROLLER.namespace, CONTROLLER.serviceAccount)
  await waitForAccess(plane, controller, ['create', 'get'], sarAttributes(rendered.proxyConfigYaml))
  pod = await startNodePod(plane, rendered)
})

afterAll(async () => {
  await pod?.stop()
  await plane?.stop()
  // Leave nothing behind: every process gone by PID, every temp dir removed.
  const pids = [pod?.proxy.pid, pod?.sidecar.pid, plane?.info.pids.apiserver, plane?.info.pids.etcd]
  for (const pid of pids) if (pid !== undefined) expect(isPidAlive(pid), `pid ${pid}`).toBe(false)
  for (const dir of [pod?.sidecar.home, plane?.info.dir]) if (dir) expect(existsSync(dir), dir).toBe(false)
})

/** A fresh ServiceAccount allowed the task API on this node (RoleBinding to the shipped ClusterRole). */
async function permittedCaller(): Promise<Caller> {
  const caller = await freshCaller(plane, callersNamespace, 'permitted')
  await grantTaskApi(plane, caller, rendered.namespace)
  // The shipped task-submitter role grants what the controller calls: create and get, no delete.
  await waitForAccess(plane, caller.user, ['create', 'get'], sarAttributes(rendered.proxyConfigYaml))
  return caller
}

function viaProxy(method: string, path: string, options: Parameters<typeof request>[3] = {}) {
  return request(pod.proxy.url, method, path, options)
}

describe('a node pod rendered from a SeiNode, composed from the real sidecar, proxy and apiserver', () => {
  it('renders the proxy upstream on the loopback tasks port and the SAR for this node', () => {
    expect(rendered.proxyUpstream.hostname).toBe('127.0.0.1')
    expect(Number(rendered.proxyUpstream.port)).toBe(rendered.tasksPort)
    expect(rendered.proxyArgs.some((a) => /^--(ignore|allow)-paths/.test(a))).toBe(false)
    expect(rendered.sidecarEnv).toMatchObject({
      SEI_SIDECAR_PORT: '17777',
      SEI_SIDECAR_PUBLIC_PORT: '19100',
      SEI_SIDECAR_AUTHN_MODE: 'trusted-header',
      SEI_CHAIN_ID: 'atlantic-2',
    })
    expect(sarAttributes(rendered.proxyConfigYaml)).toEqual({
      apiGroup: 'sei.io',
      resource: 'seinodetasks',
      namespace: rendered.namespace,
      name: 'atlantic-2-archive-0',
    })
  })

  it('binds the tasks listener to 127.0.0.1 only and the public listener to all interfaces', () => {
    expect(pod.upstream).toBe(`http://127.0.0.1:${pod.sidecar.tasksPort}/`)
    expect(listeningAddresses(pod.sidecar.tasksPort)).toEqual(['127.0.0.1'])
    // `::` (all zeros in /proc/net/tcp6): dual-stack, IPv4 mapped.
    expect(listeningAddresses(pod.sidecar.publicPort)).toEqual([`v6:${'0'.repeat(32)}`])
  })

  it('passes the startup probe before mark-ready, while readiness still fails', async () => {
    expect(pod.readinessAtStartup).toBe(503)
    const status = async (container: string, kind: RenderedHttpProbe['kind']) =>
      (await pod.probe(httpProbe(rendered, container, kind))).status
    expect(await status(CONTAINERS.sidecar, 'startupProbe')).toBe(200)
    expect(await status(CONTAINERS.sidecar, 'livenessProbe')).toBe(200)
    expect(await status(CONTAINERS.sidecar, 'readinessProbe')).toBe(503)
    // seid's start gate: it must not start before the controller marks the node ready.
    expect(await status(CONTAINERS.seid, 'startupProbe')).toBe(503)
  })

  it("lets the controller's ServiceAccount mark the node ready through the proxy, as itself", async () => {
    const controller = await callerFor(plane, CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const auth = { token: controller.token, headers: { [HEADERS.remoteUser]: 'system:admin' } }
    expect((await viaProxy('GET', TASK_API_PATHS.status, auth)).json).toEqual({ status: 'Initializing' })
    const submitted = await viaProxy('POST', TASK_API_PATHS.tasks, { ...auth, body: { type: 'mark-ready' } })
    expect(submitted.status, submitted.text).toBe(201)
    readyTaskId = (submitted.json as { id: string }).id
    const task = await waitFor('mark-ready to complete', async () => {
      const res = await viaProxy('GET', taskPath(readyTaskId), auth)
      expect(res.status, res.text).toBe(200)
      const result = res.json as { status: string }
      return result.status === 'running' ? undefined : result
    })
    expect(task).toMatchObject({ id: readyTaskId, type: 'mark-ready', status: 'completed', run: 1 })
    const status = await viaProxy('GET', TASK_API_PATHS.status, auth)
    expect(status.json).toEqual({ status: 'Ready' })
    // The sidecar saw the proxy's identity, not the forged header.
    const logged = pod.sidecar
      .output()
      .split('\n')
      .filter((l) => l.includes(readyTaskId) && l.includes('"task submitted"'))
      .map((l) => JSON.parse(l) as { user?: string })
    expect(logged.map((l) => l.user)).toEqual([controller.user])
  })

  it('answers every rendered kubelet HTTP probe on the sidecar public port with 200 once ready', async () => {
    const onSidecar = rendered.httpProbes.filter((p) => p.port === rendered.publicPort)
    expect(onSidecar.map((p) => `${p.container}/${p.kind} ${p.path}`)).toEqual([
      'sei-sidecar/startupProbe /v0/startupz',
      'sei-sidecar/livenessProbe /v0/livez',
      'sei-sidecar/readinessProbe /v0/healthz',
      'seid/startupProbe /v0/healthz',
    ])
    for (const probe of onSidecar) expect((await pod.probe(probe)).status, probe.path).toBe(200)
    // Every other HTTP probe is seid's own (CometBFT); none goes to the tasks port or through the proxy.
    const seidPorts = Object.values(SEID_PORTS).map((p) => p.port)
    for (const probe of rendered.httpProbes.filter((p) => p.port !== rendered.publicPort)) {
      expect(probe.container).toBe(CONTAINERS.seid)
      expect(seidPorts).toContain(probe.port)
    }
  })

  it("passes kube-rbac-proxy's rendered tcpSocket liveness probe on its listen port", async () => {
    const listen = rendered.proxyArgs.find((a) => a.startsWith('--insecure-listen-address='))
    expect(rendered.tcpProbes).toEqual([
      { container: CONTAINERS.rbacProxy, port: Number(listen?.split(':').pop()) },
    ])
    const port = Number(new URL(pod.proxy.url).port)
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(resolve))
      socket.on('error', reject)
    })
  })

  it('refuses a ServiceAccount without the task-submitter role with 403 on every path', async () => {
    const stranger = await freshCaller(plane, callersNamespace, 'stranger')
    for (const [method, path, body] of everyPath(readyTaskId)) {
      const res = await viaProxy(method, path, { token: stranger.token, body })
      expect(res.status, `${method} ${path}`).toBe(403)
    }
  })

  it('refuses a request without a token with 401 on every path, even with a forged X-Remote-User', async () => {
    const forged = {
      [HEADERS.remoteUser]: serviceAccountUser(CONTROLLER.namespace, CONTROLLER.serviceAccount),
    }
    for (const [method, path, body] of everyPath(readyTaskId)) {
      expect((await viaProxy(method, path, { body })).status, `${method} ${path}`).toBe(401)
      expect((await viaProxy(method, path, { body, headers: forged })).status, `${method} ${path}`).toBe(401)
    }
  })

  it('gives a permitted caller 404 from the sidecar for the public paths: they are not on the tasks listener', async () => {
    const caller = await permittedCaller()
    for (const path of Object.values(PUBLIC_PATHS)) {
      const res = await viaProxy('GET', path, { token: caller.token })
      expect(res.status, path).toBe(404)
      expect(res.json, path).toMatchObject({ error: expect.any(String) })
    }
  })

  it('records nothing for the rejected calls: one task, still ready, no identity-less request upstream', async () => {
    const caller = await permittedCaller()
    const list = await viaProxy('GET', TASK_API_PATHS.tasks, { token: caller.token })
    expect(list.status).toBe(200)
    expect((list.json as { id: string; type: string }[]).map((t) => [t.id, t.type])).toEqual([
      [readyTaskId, 'mark-ready'],
    ])
    const readiness = httpProbe(rendered, CONTAINERS.sidecar, 'readinessProbe')
    expect((await pod.probe(readiness)).status).toBe(200)
    const metrics = (await request(pod.publicUrl, 'GET', PUBLIC_PATHS.metrics)).text
    expect(sampleValue(metrics, SIDECAR_METRICS.taskSubmissions, { type: 'mark-ready' })).toBe(1)
    expect(sampleValue(metrics, SIDECAR_METRICS.taskSubmissions, { type: 'mark-not-ready' })).toBe(0)
    for (const reason of ['missing_header', 'duplicate_header', 'empty_header']) {
      expect(sampleValue(metrics, SIDECAR_METRICS.authnRejections, { reason }), reason).toBe(0)
    }
  })

  it('serves metrics on the public listener and no task API there', async () => {
    const metrics = await request(pod.publicUrl, 'GET', PUBLIC_PATHS.metrics)
    expect(metrics.status).toBe(200)
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(metrics.text).toContain(`# TYPE ${SIDECAR_METRICS.taskSubmissions} counter`)
    const identity = {
      [HEADERS.remoteUser]: serviceAccountUser(CONTROLLER.namespace, CONTROLLER.serviceAccount),
    }
    for (const [method, path, body] of everyPath(readyTaskId).filter(([, p]) => !isPublicPath(p))) {
      const res = await request(pod.publicUrl, method, path, { body, headers: identity })
      expect(res.status, `${method} ${path}`).toBe(404)
    }
  })

  it("grants the pod's ServiceAccount the TokenReview and SubjectAccessReview kube-rbac-proxy sends", async () => {
    // testenv runs the proxy as its own auth-delegator identity; in the pod it is this ServiceAccount.
    const node = await callerFor(plane, rendered.namespace, rendered.serviceAccount)
    const unbound = await freshCaller(plane, callersNamespace, 'unbound')
    const probe = await freshCaller(plane, callersNamespace, 'reviewed')
    const reviews = [
      ['/apis/authentication.k8s.io/v1/tokenreviews', { kind: 'TokenReview', spec: { token: probe.token } }],
      [
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        { kind: 'SubjectAccessReview', spec: { user: probe.user, resourceAttributes: { verb: 'get' } } },
      ],
    ] as const
    for (const [path, review] of reviews) {
      const body = { apiVersion: path.split('/').slice(2, 4).join('/'), ...review }
      expect((await plane.kube.request('POST', path, { body, token: node.token })).status, path).toBe(201)
      expect((await plane.kube.request('POST', path, { body, token: unbound.token })).status, path).toBe(403)
    }
  })
})
