// Every generated vanilla policy must pass the real API server's validation (server-side dry-run),
// and come back exactly as generated: no field the server would default or drop.
import { connectControlPlane, type KubeObject } from '@sei-k8s/testenv'
import type {} from '@sei-k8s/testenv/vitest-setup' // types inject('seiTestenv')
import { describe, expect, inject, it } from 'vitest'
import { generateNodePolicies } from '../../src/generate.js'

const plane = connectControlPlane(inject('seiTestenv'))

const CASES = {
  defaults: { namespaces: ['policy-defaults'] },
  configured: {
    namespaces: ['policy-configured-a', 'policy-configured-b'],
    publicPorts: [9100, 19100],
    nodeCidrs: ['10.0.0.0/16', 'fd00:10::/64'],
    rpcFrom: ['ingress-nginx', '203.0.113.0/24'],
    p2pFrom: ['sentries', '198.51.100.0/24'],
    prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
    controllerNamespace: 'platform-controllers',
    controllerPodLabels: { app: 'sei-controller' },
  },
}

describe('generated vanilla policies on the real API server', () => {
  it.each(Object.entries(CASES))(
    'accepts every policy of the %s option set (server-side dry-run)',
    async (_, input) => {
      const objects = generateNodePolicies(input) as unknown as KubeObject[]
      for (const namespace of input.namespaces) await plane.createNamespace(namespace)
      const stored = await plane.applyManifest(objects, { dryRun: true })
      expect(stored).toHaveLength(objects.length)
      for (const [index, { metadata, ...rest }] of objects.entries()) {
        const { metadata: storedMetadata, ...storedRest } = stored[index] ?? { metadata: {} }
        expect(storedMetadata).toMatchObject(metadata)
        // apiVersion, kind and spec come back exactly as generated: nothing defaulted, nothing dropped.
        expect(storedRest).toEqual(rest)
      }
    },
  )
})
