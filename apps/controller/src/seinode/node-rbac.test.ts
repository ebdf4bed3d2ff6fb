import { describe, expect, it } from 'vitest'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { KubeApiError } from '../kube/errors.js'
import type { Resource } from '../kube/resources.js'
import { createNodeRbac } from './node-rbac.js'

/** An in-memory API that records calls; the first namespace GET fails when `failFirst` is set. */
function fakeClient(options: { failFirst?: boolean } = {}) {
  const calls: string[] = []
  let failures = options.failFirst === true ? 1 : 0
  const client = {
    async get(resource: Resource, _ns: string | undefined, name: string) {
      calls.push(`get ${resource.kind}`)
      await new Promise((r) => setTimeout(r, 5))
      if (resource.kind === 'Namespace') {
        if (failures-- > 0) throw new KubeApiError(503, 'ServiceUnavailable', 'later')
        return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: 'ns-uid' } }
      }
      throw new KubeApiError(404, 'NotFound', 'not found')
    },
    async apply(object: KubeObject) {
      calls.push(`apply ${object.kind}`)
      return object
    },
  } as unknown as KubeClient
  return { client, calls }
}

describe('node RBAC', () => {
  it('ensures a namespace once when the first reconciles of its nodes ask at the same time', async () => {
    const { client, calls } = fakeClient()
    const rbac = createNodeRbac(client, 'seid-node')
    await Promise.all([rbac.ensure('sei'), rbac.ensure('sei'), rbac.ensure('sei'), rbac.ensure('sei')])
    expect(calls).toEqual([
      'get Namespace',
      'get ServiceAccount',
      'apply ServiceAccount',
      'get ClusterRoleBinding',
      'apply ClusterRoleBinding',
    ])
    await rbac.ensure('sei')
    expect(calls).toHaveLength(5)
  })

  it('forgets a failed ensure, so every waiter sees the error and the next call retries', async () => {
    const { client, calls } = fakeClient({ failFirst: true })
    const rbac = createNodeRbac(client, 'seid-node')
    const results = await Promise.allSettled([rbac.ensure('sei'), rbac.ensure('sei')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    await rbac.ensure('sei')
    expect(calls.filter((c) => c === 'get Namespace')).toHaveLength(2)
  })
})
