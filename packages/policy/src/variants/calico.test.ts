import { describe, expect, it } from 'vitest'
import { buildMetadata } from '../metadata.js'
import type { CalicoNetworkPolicy } from '../objects.js'
import { planNodePolicies } from '../rules.js'
import { options } from '../test-options.js'
import { renderCalico } from './calico.js'

function calico(input: Record<string, unknown> = {}): Map<string, CalicoNetworkPolicy> {
  const opts = options({ flavor: 'calico', ...input })
  const plans = planNodePolicies(opts, 'sei')
  return new Map(plans.map((plan) => [plan.name, renderCalico(plan, buildMetadata(plan, 'sei', opts))]))
}

describe('renderCalico', () => {
  it('admits the controller by ServiceAccount AND namespace in one source', () => {
    expect(calico().get('sei-node-proxy')?.spec).toEqual({
      selector: 'has(sei.io/node)',
      types: ['Ingress'],
      ingress: [
        {
          action: 'Allow',
          protocol: 'TCP',
          source: {
            namespaceSelector: "kubernetes.io/metadata.name == 'sei-k8s-controller-system'",
            serviceAccounts: { names: ['sei-k8s-controller-manager'] },
          },
          destination: { ports: [8443] },
        },
      ],
    })
  })

  it('ANDs Prometheus pod labels with the monitoring namespace and adds node CIDRs as nets', () => {
    const policy = calico({
      prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus', team: 'obs' },
      nodeCidrs: ['10.2.0.0/16'],
    }).get('sei-node-public')
    expect(policy?.spec.ingress.map((rule) => rule.source)).toEqual([
      {
        namespaceSelector: "kubernetes.io/metadata.name == 'monitoring'",
        selector: "app.kubernetes.io/name == 'prometheus' && team == 'obs'",
      },
      { nets: ['10.2.0.0/16'] },
    ])
  })

  it('never emits a rule without source except for p2p from anywhere', () => {
    const open = [...calico().values()].flatMap((policy) =>
      policy.spec.ingress.filter((rule) => rule.source === undefined).map(() => policy.metadata.name),
    )
    expect(open).toEqual(['sei-node-p2p'])
  })

  it('allows client ports from the own namespace with all()', () => {
    expect(calico().get('sei-node-rpc')?.spec.ingress).toEqual([
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { selector: 'all()' },
        destination: { ports: [1317, 8545, 8546, 9090, 26657] },
      },
    ])
  })
})
