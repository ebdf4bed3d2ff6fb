/**
 * `projectcalico.org/v3` NetworkPolicy (needs the Calico API server or calicoctl). Pure.
 *
 * Calico rules can match a ServiceAccount, so the proxy port admits the controller's ServiceAccount
 * in the controller namespace (both in one source: AND). Selectors are Calico expressions.
 */
import { LABELS, NAMESPACE_NAME_LABEL } from '@sei-k8s/contract'
import type { CalicoNetworkPolicy, CalicoRule, CalicoSource, ObjectMeta } from '../objects.js'
import type { IngressRule, Labels, PolicyPlan, Source } from '../rules.js'

/** Renders one plan: one Calico rule per source; sources without addresses (no node CIDRs) are dropped. */
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
  return rule.sources.flatMap((source) => {
    const rendered = renderSource(source)
    return rendered === undefined ? [] : [{ ...base, source: rendered }]
  })
}

/** The Calico source, or undefined when it would match nothing (never omitted: that means anywhere). */
function renderSource(source: Source): CalicoSource | undefined {
  switch (source.kind) {
    case 'anywhere':
      return undefined
    case 'sameNamespace':
      // A selector without namespaceSelector matches endpoints in the policy's own namespace.
      return { selector: 'all()' }
    case 'namespace':
      return {
        namespaceSelector: namespaceExpression(source.namespace),
        ...(Object.keys(source.podLabels).length > 0 ? { selector: labelExpression(source.podLabels) } : {}),
      }
    case 'controller':
      return {
        namespaceSelector: namespaceExpression(source.namespace),
        serviceAccounts: { names: [source.serviceAccount] },
      }
    case 'cidrs':
    case 'nodes':
      return source.cidrs.length === 0 ? undefined : { nets: source.cidrs }
  }
}

function namespaceExpression(namespace: string): string {
  return `${NAMESPACE_NAME_LABEL} == '${namespace}'`
}

function labelExpression(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key} == '${value}'`)
    .join(' && ')
}
