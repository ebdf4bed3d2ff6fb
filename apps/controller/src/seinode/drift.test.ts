import { APPLIED_HASH_ANNOTATION } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../kube/client.js'
import { isSubset, isUpToDate, withIntent } from './drift.js'

const owner = {
  apiVersion: 'sei.io/v1alpha1',
  kind: 'SeiNode',
  name: 'n',
  uid: 'u1',
  controller: true,
}

function desired(replicas: number, labels: Record<string, string> = { a: '1' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'n', namespace: 'ns', labels },
    spec: { replicas, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
  } as KubeObject
}

/** What the server returns: our fields plus defaults and server metadata. */
function served(object: KubeObject): KubeObject {
  const o = structuredClone(object) as KubeObject & { spec: { template: { spec: { containers: object[] } } } }
  return {
    ...o,
    metadata: { ...o.metadata, uid: 's', resourceVersion: '7', generation: 1 },
    spec: {
      ...o.spec,
      podManagementPolicy: 'OrderedReady',
      template: {
        spec: {
          containers: [
            { ...o.spec.template.spec.containers[0], terminationMessagePath: '/dev/termination-log' },
          ],
        },
      },
    },
    status: { replicas: 1 },
  } as KubeObject
}

describe('drift', () => {
  it('sees no drift when the server only added defaults', () => {
    const intended = withIntent(desired(1), owner)
    expect(isUpToDate(intended, served(intended))).toBe(true)
  })

  it('sees a field we own changed by hand', () => {
    const intended = withIntent(desired(1), owner)
    const live = served(intended) as KubeObject & { spec: { replicas: number } }
    live.spec.replicas = 3
    expect(isUpToDate(intended, live)).toBe(false)
  })

  it('sees a field we stopped setting through the intent hash', () => {
    const before = withIntent(desired(1, { a: '1', b: '2' }), owner)
    const after = withIntent(desired(1, { a: '1' }), owner)
    expect(isSubset(desired(1, { a: '1' }), served(before))).toBe(true)
    expect(after.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).not.toBe(
      before.metadata.annotations?.[APPLIED_HASH_ANNOTATION],
    )
    expect(isUpToDate(after, served(before))).toBe(false)
  })

  it('needs an apply when the object does not exist', () => {
    expect(isUpToDate(withIntent(desired(1), owner), undefined)).toBe(false)
  })

  it('compares arrays by length and element and an integer quantity with its string form', () => {
    expect(isSubset([1, 2], [1, 2, 3])).toBe(false)
    expect(isSubset({ storage: 10 }, { storage: '10' })).toBe(true)
  })
})
