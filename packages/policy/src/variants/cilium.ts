/**
 * `cilium.io/v2` CiliumNetworkPolicy. Pure.
 *
 * Cilium labels every endpoint with its namespace and ServiceAccount, so the proxy port admits the
 * controller's ServiceAccount itself rather than pod labels anyone in that namespace could copy.
 * Node traffic (kubelet probes) is matched by Cilium's `host` and `remote-node` entities: CIDR rules
 * do not match those identities, which is why node CIDRs are rejected for this flavor.
 */
import { CNI_LABELS } from '@sei-k8s/contract'
import type { CiliumIngressRule, CiliumNetworkPolicy, ObjectMeta } from '../objects.js'
import type { IngressRule, PolicyPlan, Source } from '../rules.js'
import { NODE_POD_SELECTOR } from './vanilla.js'

/** Entities of node traffic: the pod's own node (kubelet) and the other nodes. */
export const CILIUM_NODE_ENTITIES = ['host', 'remote-node'] as const

/** Renders one plan: one Cilium rule per source, each with the plan rule's ports. */
export function renderCilium(plan: PolicyPlan, metadata: ObjectMeta, namespace: string): CiliumNetworkPolicy {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata,
    spec: {
      description: plan.description,
      endpointSelector: NODE_POD_SELECTOR,
      ingress: plan.rules.flatMap((rule) => renderRule(rule, namespace)),
    },
  }
}

function renderRule(rule: IngressRule, namespace: string): CiliumIngressRule[] {
  const toPorts = [
    { ports: rule.ports.map(({ port }) => ({ port: String(port), protocol: 'TCP' as const })) },
  ]
  return rule.sources.map((source) => ({ ...renderFrom(source, namespace), toPorts }))
}

type From = Omit<CiliumIngressRule, 'toPorts'>

function renderFrom(source: Source, namespace: string): From {
  switch (source.kind) {
    case 'anywhere':
      return { fromEntities: ['all'] }
    case 'sameNamespace':
      return { fromEndpoints: [{ matchLabels: { [CNI_LABELS.ciliumNamespace]: namespace } }] }
    case 'namespace':
      return {
        fromEndpoints: [
          { matchLabels: { ...source.podLabels, [CNI_LABELS.ciliumNamespace]: source.namespace } },
        ],
      }
    case 'controller':
      return {
        fromEndpoints: [
          {
            matchLabels: {
              [CNI_LABELS.ciliumNamespace]: source.namespace,
              [CNI_LABELS.ciliumServiceAccount]: source.serviceAccount,
            },
          },
        ],
      }
    case 'cidrs':
      return { fromCIDR: source.cidrs }
    case 'nodes':
      return { fromEntities: CILIUM_NODE_ENTITIES }
  }
}
