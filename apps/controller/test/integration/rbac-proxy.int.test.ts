/**
 * The rendered kube-rbac-proxy (its exact args and its ConfigMap) and the install RBAC, with the real
 * kube-rbac-proxy and apiserver: every path through :8443 needs a token that passes TokenReview and a
 * SubjectAccessReview on sei.io/seinodetasks, the health paths included (no --ignore-paths), and the
 * controller's ServiceAccount is allowed through by the task-submitter ClusterRole.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CONTROLLER, CONTROLLER_RBAC, PUBLIC_PATHS, TASK_API_PATHS } from '@sei-k8s/contract'
import { binaryPaths, type KubeObject, type RbacProxy, startRbacProxy } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installObjects } from '../../src/manifests/index.js'
import { DEFAULT_PLATFORM } from '../../src/platform.js'
import { node, render } from '../fixtures.js'
import { connectPlane, inNamespace } from './helpers.js'

const plane = connectPlane()
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = []
let upstream: Server
let proxy: RbacProxy

/** The install objects that grant the controller the task API, applied for real. */
function controllerAccessObjects(): KubeObject[] {
  const wanted = new Set(['Namespace', 'ServiceAccount'])
  return installObjects()
    .map(([, o]) => o as KubeObject)
    .filter((o) => wanted.has(o.kind) || o.metadata.name === CONTROLLER_RBAC.taskSubmitterRole)
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  await plane.applyManifest(controllerAccessObjects())
  const ns = await plane.createNamespace()
  const rendered = render(inNamespace(node({}, 'proxied-0'), ns), DEFAULT_PLATFORM)
  proxy = await startRbacProxy(plane, {
    upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`,
    configYaml: rendered.configMap.data['config.yaml'] ?? '',
    args: rendered.container('kube-rbac-proxy').args ?? [],
    binaries: binaryPaths(),
  })
})

afterAll(async () => {
  await proxy?.stop()
  await new Promise<void>((resolve) => upstream?.close(() => resolve()))
  plane.kube.close()
})

async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${proxy.url}${path}`, { method, headers })
  await res.arrayBuffer()
  return res.status
}

// kube-rbac-proxy caches TokenReviews (2 min) and SAR denials (30 s): each case mints its own identity.
describe('kube-rbac-proxy as rendered, in front of the sidecar tasks listener', () => {
  it('runs with the rendered args: plain HTTP listener, no path exemptions', () => {
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(proxy.args.some((a) => a.startsWith('--ignore-paths') || a.startsWith('--allow-paths'))).toBe(
      false,
    )
  })

  it('refuses a request without a token, even one with a forged X-Remote-User, before the upstream', async () => {
    const before = seen.length
    expect(await call('GET', TASK_API_PATHS.status, { 'X-Remote-User': 'system:admin' })).toBe(401)
    expect(await call('GET', PUBLIC_PATHS.healthz)).toBe(401)
    expect(seen.length).toBe(before)
  })

  it('refuses an authenticated caller without the task-submitter role, on every path', async () => {
    const ns = await plane.createNamespace()
    const token = await plane.createServiceAccountToken(ns, 'stranger')
    const before = seen.length
    for (const path of [TASK_API_PATHS.tasks, PUBLIC_PATHS.healthz, PUBLIC_PATHS.metrics]) {
      expect(await call('GET', path, { authorization: `Bearer ${token}` }), path).toBe(403)
    }
    expect(seen.length).toBe(before)
  })

  it("forwards the controller's calls with its identity, overwriting a client-sent X-Remote-User", async () => {
    const token = await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const auth = { authorization: `Bearer ${token}`, 'X-Remote-User': 'system:admin' }
    expect(await call('POST', TASK_API_PATHS.tasks, auth)).toBe(200)
    expect(await call('GET', '/v0/tasks/0b6c1c1e-1111-4c1c-8c1c-000000000001', auth)).toBe(200)
    const last = seen.slice(-2)
    expect(last.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v0/tasks',
      'GET /v0/tasks/0b6c1c1e-1111-4c1c-8c1c-000000000001',
    ])
    for (const r of last) {
      expect(r.headers['x-remote-user']).toBe(
        `system:serviceaccount:${CONTROLLER.namespace}:${CONTROLLER.serviceAccount}`,
      )
    }
  })

  it('refuses DELETE to the controller: the task-submitter role grants only what it calls (create, get)', async () => {
    const token = await plane.createServiceAccountToken(CONTROLLER.namespace, CONTROLLER.serviceAccount)
    const before = seen.length
    const status = await call('DELETE', '/v0/tasks/0b6c1c1e-1111-4c1c-8c1c-000000000001', {
      authorization: `Bearer ${token}`,
    })
    expect(status).toBe(403)
    expect(seen.length).toBe(before)
  })
})
