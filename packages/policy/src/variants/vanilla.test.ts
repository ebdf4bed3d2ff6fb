import { describe, expect, it } from 'vitest'
import { buildMetadata } from '../metadata.js'
import type { NetworkPolicy } from '../objects.js'
import { planNodePolicies } from '../rules.js'
import { options } from '../test-options.js'
import { renderVanilla } from './vanilla.js'

function vanilla(input: Record<string, unknown> = {}): Map<string, NetworkPolicy> {
  const opts = options(input)
  const plans = planNodePolicies(opts, 'sei')
  return new Map(plans.map((plan) => [plan.name, renderVanilla(plan, buildMetadata(plan, 'sei', opts))]))
}

describe('renderVanilla', () => {
  it('puts the controller namespace and pod labels in ONE peer (AND), not two peers (OR)', () => {
    const proxy = vanilla().get('sei-node-proxy')
    expect(proxy?.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'sei-k8s-controller-system' },
            },
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/component': 'manager',
                'app.kubernetes.io/name': 'sei-k8s-controller',
              },
            },
          },
        ],
        ports: [{ port: 8443, protocol: 'TCP' }],
      },
    ])
  })

  it('never opens the proxy port to an ipBlock, even with node CIDRs', () => {
    const proxy = vanilla({ nodeCidrs: ['10.2.0.0/16'] }).get('sei-node-proxy')
    const peers = proxy?.spec.ingress.flatMap((rule) => rule.from ?? []) ?? []
    expect(peers.filter((peer) => peer.ipBlock !== undefined)).toEqual([])
    expect(proxy?.spec.ingress).toHaveLength(1)
  })

  it('selects node pods by sei.io/node Exists, for Ingress only', () => {
    for (const policy of vanilla().values()) {
      expect(policy.spec.podSelector).toEqual({
        matchExpressions: [{ key: 'sei.io/node', operator: 'Exists' }],
      })
      expect(policy.spec.policyTypes).toEqual(['Ingress'])
    }
  })

  it('admits any monitoring pod by default and ANDs the Prometheus pod labels when given', () => {
    expect(vanilla().get('sei-node-public')?.spec.ingress[0]?.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ])
    const scoped = vanilla({ prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' } })
    expect(scoped.get('sei-node-public')?.spec.ingress[0]?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
    ])
  })

  it('adds node CIDRs as ipBlock peers on the public port and seid readiness port', () => {
    const policies = vanilla({ nodeCidrs: ['10.2.0.0/16', 'fd00:2::/64'] })
    const blocks = [{ ipBlock: { cidr: '10.2.0.0/16' } }, { ipBlock: { cidr: 'fd00:2::/64' } }]
    expect(policies.get('sei-node-public')?.spec.ingress[0]?.from?.slice(1)).toEqual(blocks)
    expect(policies.get('sei-node-rpc')?.spec.ingress[1]).toEqual({
      from: blocks,
      ports: [{ port: 26657, protocol: 'TCP' }],
    })
  })

  it('drops a rule left without peers instead of emitting from: [] (which would allow everyone)', () => {
    for (const policy of vanilla().values()) {
      for (const rule of policy.spec.ingress) {
        if (rule.from !== undefined) expect(rule.from.length).toBeGreaterThan(0)
      }
    }
    expect(vanilla().get('sei-node-rpc')?.spec.ingress).toHaveLength(1)
  })

  it('omits from only for p2p, the one rule meant for anywhere', () => {
    const open = [...vanilla().values()].flatMap((policy) =>
      policy.spec.ingress
        .filter((rule) => rule.from === undefined)
        .map((rule) => [policy.metadata.name, rule]),
    )
    expect(open).toEqual([['sei-node-p2p', { ports: [{ port: 26656, protocol: 'TCP' }] }]])
  })

  it('allows client ports from the own namespace with an empty podSelector and rpcFrom as namespace peers', () => {
    const rpc = vanilla({ rpcFrom: ['indexer', '10.8.0.0/16'] }).get('sei-node-rpc')
    expect(rpc?.spec.ingress[0]?.from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'indexer' } } },
      { ipBlock: { cidr: '10.8.0.0/16' } },
    ])
  })
})
