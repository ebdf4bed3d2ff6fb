import { afterAll, describe, expect, inject, it } from 'vitest'
import { connectControlPlane } from '../../src/index.js'
import { taskAccess } from './fixtures.js'

const plane = connectControlPlane(inject('seiTestenv'))
afterAll(() => plane.kube.close())

async function canGetTask(namespace: string, user: string): Promise<boolean> {
  const res = await plane.kube.expectOk('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
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

describe('RBAC', () => {
  it('authenticates a minted ServiceAccount token as that ServiceAccount', async () => {
    const ns = await plane.createNamespace()
    const token = await plane.createServiceAccountToken(ns, 'controller')
    const res = await plane.kube.expectOk('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    })
    const status = (res.body as { status: { authenticated: boolean; user: { username: string } } }).status
    expect(status.authenticated).toBe(true)
    expect(status.user.username).toBe(`system:serviceaccount:${ns}:controller`)
  })

  it('denies an unbound ServiceAccount and allows it after a RoleBinding', async () => {
    const ns = await plane.createNamespace()
    await plane.createServiceAccountToken(ns, 'controller')
    const user = `system:serviceaccount:${ns}:controller`
    expect(await canGetTask(ns, user)).toBe(false)
    await plane.applyManifest(taskAccess(ns, 'controller', ['get']))
    // the RBAC authorizer reads through an informer cache: allow it a moment to see the binding
    await expect.poll(() => canGetTask(ns, user), { timeout: 10_000, interval: 100 }).toBe(true)
  })

  it('lets the token itself observe the denial (SelfSubjectAccessReview)', async () => {
    const ns = await plane.createNamespace()
    const token = await plane.createServiceAccountToken(ns, 'nobody')
    const res = await plane.kube.expectOk('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: { group: 'sei.io', resource: 'seinodetasks', namespace: ns, verb: 'get' },
        },
      },
    })
    expect((res.body as { status: { allowed: boolean } }).status.allowed).toBe(false)
  })
})
