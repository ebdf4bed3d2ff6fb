/**
 * `cilium.io/v2` CiliumNetworkPolicy. Pure.
 *
 * Cilium labels every endpoint with its namespace and ServiceAccount, so the proxy port admits the
 * controller by namespace AND pod labels AND ServiceAccount in one endpoint selector. Kubelet probes
 * come from the pod's own node, Cilium's `host` entity; `remote-node` (every other node's
 * host-network processes) is added only on the public and rpc probe ports and only when
 * allowRemoteNodes asks. CIDR rules do not match node identities, so node CIDRs are refused here.
 */
import { CNI_LABELS } from '@sei-k8s/contract'
import type { CiliumIngressRule, CiliumNetworkPolicy, ObjectMeta } from '../objects.js'
import type { IngressRule, PolicyPlan, Source } from '../rules.js'
import { NODE_POD_SELECTOR } from './vanilla.js'

/** The pod's own node: where its kubelet (and any host-network process there) connects from. */
const CILIUM_LOCAL_NODE_ENTITY = 'host'
/** Every other node of the cluster. */
const CILIUM_REMOTE_NODE_ENTITY = 'remote-node'

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
  return rule.sources.flatMap((source) => renderFrom(source, namespace).map((from) => ({ ...from, toPorts })))
}

type From = Omit<CiliumIngressRule, 'toPorts'>

function renderFrom(source: Source, namespace: string): From[] {
  switch (source.kind) {
    case 'anywhere':
      return [{ fromEntities: ['all'] }]
    case 'sameNamespace':
      return [{ fromEndpoints: [{ matchLabels: { [CNI_LABELS.ciliumNamespace]: namespace } }] }]
    case 'namespace':
      return [
        {
          fromEndpoints: [
            { matchLabels: { ...source.podLabels, [CNI_LABELS.ciliumNamespace]: source.namespace } },
          ],
        },
      ]
    case 'controller':
      return [
        {
          fromEndpoints: [
            {
              matchLabels: {
                ...source.podLabels,
                [CNI_LABELS.ciliumNamespace]: source.namespace,
                [CNI_LABELS.ciliumServiceAccount]: source.serviceAccount,
              },
            },
          ],
        },
      ]
    case 'cidrs':
      return [{ fromCIDR: source.cidrs }]
    case 'localNode':
      return [{ fromEntities: [CILIUM_LOCAL_NODE_ENTITY] }]
    case 'nodes':
      // Node CIDRs are refused for this flavor (input.ts); remote nodes only when asked.
      return source.remote ? [{ fromEntities: [CILIUM_REMOTE_NODE_ENTITY] }] : []
  }
}
