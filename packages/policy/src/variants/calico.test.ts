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
  it('emits one rule per address family: Calico refuses a rule with IPv4 and IPv6 nets', () => {
    const policies = calico({
      nodeCidrs: ['10.0.0.0/16', 'fd00:10::/64'],
      rpcFrom: ['10.8.0.0/16', 'fd00:8::/64'],
      p2pFrom: ['203.0.113.0/24', '2001:db8::/32'],
    })
    const nets = [...policies.values()].flatMap((policy) =>
      policy.spec.ingress.flatMap((rule) => (rule.source?.nets === undefined ? [] : [rule.source.nets])),
    )
    expect(nets.length).toBeGreaterThan(0)
    for (const list of nets) {
      const families = new Set(list.map((cidr) => (cidr.includes(':') ? 6 : 4)))
      expect(families.size, list.join(',')).toBe(1)
    }
    expect(policies.get('sei-node-public')?.spec.ingress.map((rule) => rule.source?.nets)).toEqual([
      undefined,
      ['10.0.0.0/16'],
      ['fd00:10::/64'],
    ])
  })

  it('never opens the proxy port to nets, even with node CIDRs', () => {
    const proxy = calico({ nodeCidrs: ['10.0.0.0/16'] }).get('sei-node-proxy')
    expect(proxy?.spec.ingress.map((rule) => rule.source?.nets)).toEqual([undefined])
  })

  it('admits the controller by namespace AND pod labels AND ServiceAccount in one source', () => {
    expect(calico().get('sei-node-proxy')?.spec).toEqual({
      selector: 'has(sei.io/node)',
      types: ['Ingress'],
      ingress: [
        {
          action: 'Allow',
          protocol: 'TCP',
          source: {
            namespaceSelector: "kubernetes.io/metadata.name == 'sei-k8s-controller-system'",
            selector:
              "app.kubernetes.io/component == 'manager' && app.kubernetes.io/name == 'sei-k8s-controller'",
            serviceAccounts: { names: ['sei-k8s-controller-manager'] },
          },
          destination: { ports: [8443] },
        },
      ],
    })
  })

  it('follows --controller-label and --controller-service-account', () => {
    const source = calico({ controllerPodLabels: { app: 'ctl' }, controllerServiceAccount: 'ctl-sa' }).get(
      'sei-node-proxy',
    )?.spec.ingress[0]?.source
    expect(source).toMatchObject({ selector: "app == 'ctl'", serviceAccounts: { names: ['ctl-sa'] } })
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
