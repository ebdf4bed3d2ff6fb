/**
 * Plain `networking.k8s.io/v1` NetworkPolicy, enforced by any policy-capable CNI. Pure.
 *
 * It cannot select a ServiceAccount, so the controller is matched by namespace AND pod labels in ONE
 * peer (two peers would mean OR: any pod of that namespace, or those labels in any namespace).
 */
import { LABELS, NAMESPACE_NAME_LABEL } from '@sei-k8s/contract'
import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  ObjectMeta,
} from '../objects.js'
import type { IngressRule, Labels, PolicyPlan, Source } from '../rules.js'

/** Node pods: every pod the controller labels with `LABELS.node`, whatever the node's name. */
export const NODE_POD_SELECTOR: LabelSelector = {
  matchExpressions: [{ key: LABELS.node, operator: 'Exists' }],
}

/** Renders one plan. Rules whose sources render to no peer are dropped, never emitted as `from: []`. */
export function renderVanilla(plan: PolicyPlan, metadata: ObjectMeta): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: NODE_POD_SELECTOR,
      policyTypes: ['Ingress'],
      ingress: plan.rules.flatMap(renderRule),
    },
  }
}

function renderRule(rule: IngressRule): NetworkPolicyIngressRule[] {
  const ports = rule.ports.map(({ port }) => ({ port, protocol: 'TCP' as const }))
  if (rule.sources.some((source) => source.kind === 'anywhere')) return [{ ports }]
  const from = rule.sources.flatMap(renderPeers)
  // An empty `from` would allow everyone: a rule left without peers (e.g. no node CIDRs) is dropped.
  return from.length === 0 ? [] : [{ from, ports }]
}

function renderPeers(source: Source): NetworkPolicyPeer[] {
  switch (source.kind) {
    case 'anywhere':
    case 'localNode':
      // No NetworkPolicy peer names the local kubelet; the CNI admits it or not (README, per CNI).
      return []
    case 'sameNamespace':
      return [{ podSelector: {} }]
    case 'namespace':
      return [namespacePeer(source.namespace, source.podLabels)]
    case 'controller':
      return [namespacePeer(source.namespace, source.podLabels)]
    case 'cidrs':
    case 'nodes':
      return source.cidrs.map((cidr) => ({ ipBlock: { cidr } }))
  }
}

/** One peer: namespace AND (when labels are given) pod labels. */
function namespacePeer(namespace: string, podLabels: Labels): NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }
  return Object.keys(podLabels).length === 0
    ? { namespaceSelector }
    : { namespaceSelector, podSelector: { matchLabels: { ...podLabels } } }
}
