// The defaults of the proxy policy must admit the controller exactly as it is shipped: the pod
// template labels and namespace of apps/controller/config/manager/deployment.yaml.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { parse } from 'yaml'
import { generateNodePolicies } from './generate.js'
import type { NetworkPolicy } from './objects.js'

const DEPLOYMENT = new URL('../../../apps/controller/config/manager/deployment.yaml', import.meta.url)

interface Deployment {
  metadata: { namespace: string }
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } }
}

it('admits the pods of the shipped controller Deployment to the proxy port by default', () => {
  const deployment = parse(readFileSync(DEPLOYMENT, 'utf8')) as Deployment
  const proxy = generateNodePolicies({ namespaces: ['sei'] }).find(
    (policy) => policy.metadata.name === 'sei-node-proxy',
  ) as NetworkPolicy
  const [peer] = proxy.spec.ingress[0]?.from ?? []
  expect(peer?.namespaceSelector?.matchLabels).toEqual({
    'kubernetes.io/metadata.name': deployment.metadata.namespace,
  })
  // Every label the policy requires is on the Deployment's pods (the pods may carry more).
  expect(deployment.spec.template.metadata.labels).toMatchObject(
    peer?.podSelector?.matchLabels ?? { missing: '' },
  )
  const calico = generateNodePolicies({ namespaces: ['sei'], flavor: 'calico' })
  expect(JSON.stringify(calico)).toContain(`"names":["${deployment.spec.template.spec.serviceAccountName}"]`)
})
