/**
 * `projectcalico.org/v3` NetworkPolicy (needs the Calico API server or calicoctl). Pure.
 *
 * Calico rules can match a ServiceAccount, so the proxy port admits the controller's namespace AND
 * pod labels AND ServiceAccount, all in one source. Selectors are Calico expressions. Calico refuses
 * a rule whose nets mix IPv4 and IPv6 ("rule contains both IPv4 and IPv6 CIDRs"), so address
 * sources become one rule per family.
 */
import { LABELS, NAMESPACE_NAME_LABEL } from '@sei-k8s/contract'
import type { CalicoNetworkPolicy, CalicoRule, CalicoSource, ObjectMeta } from '../objects.js'
import type { IngressRule, Labels, PolicyPlan, Source } from '../rules.js'

/**
 * Renders one plan: one Calico rule per source (per address family for nets); sources without
 * addresses (no node CIDRs, the local node) are dropped.
 */
export function renderCalico(plan: PolicyPlan, metadata: ObjectMeta): CalicoNetworkPolicy {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      selector: `has(${LABELS.node})`,
      types: ['Ingress'],
      ingress: plan.rules.flatMap(renderRule),
    },
  }
}

function renderRule(rule: IngressRule): CalicoRule[] {
  const destination = { ports: rule.ports.map(({ port }) => port) }
  const base = { action: 'Allow', protocol: 'TCP', destination } as const
  if (rule.sources.some((source) => source.kind === 'anywhere')) return [base]
  return rule.sources.flatMap((source) =>
    renderSources(source).map((rendered) => ({ ...base, source: rendered })),
  )
}

/** The Calico sources; none when it would match nothing (never an omitted source: that means anywhere). */
function renderSources(source: Source): CalicoSource[] {
  switch (source.kind) {
    case 'anywhere':
    case 'localNode':
      // No Calico source names the local kubelet; Calico admits it or not (README).
      return []
    case 'sameNamespace':
      // A selector without namespaceSelector matches endpoints in the policy's own namespace.
      return [{ selector: 'all()' }]
    case 'namespace':
      return [
        {
          namespaceSelector: namespaceExpression(source.namespace),
          ...(Object.keys(source.podLabels).length > 0
            ? { selector: labelExpression(source.podLabels) }
            : {}),
        },
      ]
    case 'controller':
      return [
        {
          namespaceSelector: namespaceExpression(source.namespace),
          selector: labelExpression(source.podLabels),
          serviceAccounts: { names: [source.serviceAccount] },
        },
      ]
    case 'cidrs':
    case 'nodes':
      return byFamily(source.cidrs).map((nets) => ({ nets }))
  }
}

/** Splits canonical CIDRs into the IPv4 list and the IPv6 list, dropping an empty one. */
function byFamily(cidrs: readonly string[]): (readonly string[])[] {
  const v6 = cidrs.filter((cidr) => cidr.includes(':'))
  const v4 = cidrs.filter((cidr) => !cidr.includes(':'))
  return [v4, v6].filter((list) => list.length > 0)
}

function namespaceExpression(namespace: string): string {
  return `${NAMESPACE_NAME_LABEL} == '${namespace}'`
}

function labelExpression(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key} == '${value}'`)
    .join(' && ')
}
