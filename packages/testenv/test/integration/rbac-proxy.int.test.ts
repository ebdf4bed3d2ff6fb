import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectControlPlane, type RbacProxy, startRbacProxy } from '../../src/index.js'
import { httpsGet, taskAccess } from './fixtures.js'

const plane = connectControlPlane(inject('seiTestenv'))
const seen: IncomingHttpHeaders[] = []
let upstream: Server
let proxy: RbacProxy
let ns: string

// The args the controller renders for the pod; startRbacProxy only moves them onto this machine.
const RENDERED_ARGS = [
  '--secure-listen-address=0.0.0.0:8443',
  '--upstream=http://127.0.0.1:7777/',
  '--config-file=/etc/kube-rbac-proxy/config.yaml',
  '--auth-header-fields-enabled=true',
]

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ user: req.headers['x-remote-user'] ?? null }))
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const port = (upstream.address() as AddressInfo).port
  ns = await plane.createNamespace()
  const configYaml = [
    'authorization:',
    '  resourceAttributes:',
    `    namespace: ${ns}`,
    '    apiGroup: sei.io',
    '    resource: seinodetasks',
    '    name: node-0',
    '',
  ].join('\n')
  proxy = await startRbacProxy(plane, {
    upstream: `http://127.0.0.1:${port}/`,
    configYaml,
    args: RENDERED_ARGS,
  })
})

afterAll(async () => {
  await proxy?.stop()
  await new Promise<void>((resolve) => upstream?.close(() => resolve()))
  plane.kube.close()
})

// kube-rbac-proxy caches TokenReview and SAR results: every case uses its own ServiceAccount.
describe('kube-rbac-proxy in front of a loopback upstream', () => {
  it('listens on loopback with the rendered args otherwise unchanged', () => {
    expect(proxy.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(proxy.args).toContain('--auth-header-fields-enabled=true')
    expect(proxy.args.some((a) => a.startsWith('--ignore-paths'))).toBe(false)
  })

  it('answers 401 without a token', async () => {
    const before = seen.length
    expect((await httpsGet(`${proxy.url}/v0/status`)).status).toBe(401)
    expect(seen.length).toBe(before)
  })

  it('answers 403 for a ServiceAccount without permission', async () => {
    const token = await plane.createServiceAccountToken(ns, 'denied')
    const before = seen.length
    const res = await httpsGet(`${proxy.url}/v0/status`, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(403)
    expect(seen.length).toBe(before)
  })

  it('forwards a permitted ServiceAccount with X-Remote-User set to its identity', async () => {
    const token = await plane.createServiceAccountToken(ns, 'controller')
    await plane.applyManifest(taskAccess(ns, 'controller', ['get']))
    await waitForAllowed(ns, 'controller')
    const res = await httpsGet(`${proxy.url}/v0/status`, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(200)
    expect(seen.at(-1)?.['x-remote-user']).toBe(`system:serviceaccount:${ns}:controller`)
  })

  it('overwrites an X-Remote-User sent by the client', async () => {
    const token = await plane.createServiceAccountToken(ns, 'spoofer')
    await plane.applyManifest(taskAccess(ns, 'spoofer', ['get']))
    await waitForAllowed(ns, 'spoofer')
    const res = await httpsGet(`${proxy.url}/v0/status`, {
      authorization: `Bearer ${token}`,
      'x-remote-user': 'system:admin',
    })
    expect(res.status).toBe(200)
    expect(seen.at(-1)?.['x-remote-user']).toBe(`system:serviceaccount:${ns}:spoofer`)
  })
})

/** Waits until the apiserver's RBAC cache allows the SA, so the proxy never caches a stale deny. */
async function waitForAllowed(namespace: string, serviceAccount: string): Promise<void> {
  const check = async (): Promise<boolean> => {
    const res = await plane.kube.expectOk('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${namespace}:${serviceAccount}`,
          resourceAttributes: {
            group: 'sei.io',
            resource: 'seinodetasks',
            namespace,
            name: 'node-0',
            verb: 'get',
          },
        },
      },
    })
    return (res.body as { status: { allowed: boolean } }).status.allowed
  }
  await expect.poll(check, { timeout: 10_000, interval: 100 }).toBe(true)
}
