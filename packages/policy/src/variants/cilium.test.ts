import { describe, expect, it } from 'vitest'
import { buildMetadata } from '../metadata.js'
import type { CiliumNetworkPolicy } from '../objects.js'
import { planNodePolicies } from '../rules.js'
import { options } from '../test-options.js'
import { renderCilium } from './cilium.js'

function cilium(input: Record<string, unknown> = {}): Map<string, CiliumNetworkPolicy> {
  const opts = options({ flavor: 'cilium', ...input })
  const plans = planNodePolicies(opts, 'sei')
  return new Map(
    plans.map((plan) => [plan.name, renderCilium(plan, buildMetadata(plan, 'sei', opts), 'sei')]),
  )
}

describe('renderCilium', () => {
  it('admits the controller by namespace AND pod labels AND ServiceAccount in one endpoint selector', () => {
    expect(cilium().get('sei-node-proxy')?.spec.ingress).toEqual([
      {
        fromEndpoints: [
          {
            matchLabels: {
              'app.kubernetes.io/component': 'manager',
              'app.kubernetes.io/name': 'sei-k8s-controller',
              'io.kubernetes.pod.namespace': 'sei-k8s-controller-system',
              'io.cilium.k8s.policy.serviceaccount': 'sei-k8s-controller-manager',
            },
          },
        ],
        toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }],
      },
      // kube-rbac-proxy's tcpSocket liveness probe comes from the local kubelet: host only
      { fromEntities: ['host'], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] },
    ])
  })

  it('follows --controller-label and --controller-service-account', () => {
    const from = cilium({ controllerPodLabels: { app: 'ctl' }, controllerServiceAccount: 'ctl-sa' }).get(
      'sei-node-proxy',
    )?.spec.ingress[0]?.fromEndpoints
    expect(from).toEqual([
      {
        matchLabels: {
          app: 'ctl',
          'io.kubernetes.pod.namespace': 'sei-k8s-controller-system',
          'io.cilium.k8s.policy.serviceaccount': 'ctl-sa',
        },
      },
    ])
  })

  it('admits node traffic from the host entity only: never remote-node by default', () => {
    const entities = [...cilium().values()].flatMap((policy) =>
      policy.spec.ingress.flatMap((rule) => rule.fromEntities ?? []),
    )
    expect(entities).not.toContain('remote-node')
    expect(cilium().get('sei-node-public')?.spec.ingress).toEqual([
      {
        fromEndpoints: [{ matchLabels: { 'io.kubernetes.pod.namespace': 'monitoring' } }],
        toPorts: [{ ports: [{ port: '9100', protocol: 'TCP' }] }],
      },
      { fromEntities: ['host'], toPorts: [{ ports: [{ port: '9100', protocol: 'TCP' }] }] },
    ])
  })

  it('adds remote-node on the public and rpc probe ports only when --allow-remote-nodes asks, never on 8443', () => {
    const policies = cilium({ allowRemoteNodes: true })
    const withRemote = [...policies.values()].flatMap((policy) =>
      policy.spec.ingress
        .filter((rule) => rule.fromEntities?.includes('remote-node'))
        .flatMap((rule) => rule.toPorts.flatMap((to) => to.ports.map((p) => p.port))),
    )
    expect(withRemote).toEqual(['9100', '26657'])
  })

  it('allows p2p from the all entity and client ports from the own namespace and CIDRs', () => {
    const policies = cilium({ rpcFrom: ['10.8.0.0/16'] })
    expect(policies.get('sei-node-p2p')?.spec.ingress[0]?.fromEntities).toEqual(['all'])
    const rpc = policies.get('sei-node-rpc')?.spec.ingress
    expect(rpc?.[0]?.fromEndpoints).toEqual([{ matchLabels: { 'io.kubernetes.pod.namespace': 'sei' } }])
    expect(rpc?.[1]?.fromCIDR).toEqual(['10.8.0.0/16'])
  })

  it('selects node endpoints by sei.io/node Exists and carries the description', () => {
    const proxy = cilium().get('sei-node-proxy')
    expect(proxy?.spec.endpointSelector).toEqual({
      matchExpressions: [{ key: 'sei.io/node', operator: 'Exists' }],
    })
    expect(proxy?.spec.description).toMatch(/controller/)
  })
})
