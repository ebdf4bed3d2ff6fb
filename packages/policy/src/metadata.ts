/** Names, labels and provenance annotations shared by every policy dialect. Pure. */
import { CONTRACT_VERSION, POLICY_ANNOTATIONS, POLICY_LABELS, POLICY_MANAGER } from '@sei-k8s/contract'
import type { PolicyOptions } from './input.js'
import type { ObjectMeta } from './objects.js'
import type { PolicyPlan } from './rules.js'
import { canonicalJson } from './yaml.js'

/**
 * Metadata of one generated policy. The options annotation leaves out the target namespace list, so
 * adding a namespace does not rewrite every existing namespace's policies in the GitOps diff.
 */
export function buildMetadata(plan: PolicyPlan, namespace: string, options: PolicyOptions): ObjectMeta {
  const { namespaces: _omitted, ...shaping } = options
  return {
    name: plan.name,
    namespace,
    labels: { [POLICY_LABELS.managedBy]: POLICY_MANAGER },
    annotations: {
      [POLICY_ANNOTATIONS.contractVersion]: CONTRACT_VERSION,
      [POLICY_ANNOTATIONS.description]: plan.description,
      [POLICY_ANNOTATIONS.options]: canonicalJson(shaping),
    },
  }
}
