/**
 * Literals of the platform's NetworkPolicies (packages/policy): provenance annotations, the label that
 * marks generated objects, and the identity labels the CNI-native variants select on.
 */

/** Annotations every generated policy carries, so a GitOps reviewer can see what produced it. */
export const POLICY_ANNOTATIONS = {
  /** The CONTRACT_VERSION whose ports and labels the policy was generated from. */
  contractVersion: 'sei.io/contract-version',
  /** Canonical JSON of the generator options that shaped the policy (target namespaces omitted). */
  options: 'sei.io/policy-options',
  /** One sentence saying what the policy allows and why. */
  description: 'sei.io/policy-description',
} as const

/** `app.kubernetes.io/managed-by` marks generated policies, so they can be listed and pruned as a set. */
export const POLICY_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
} as const

/** Value of POLICY_LABELS.managedBy on generated policies. */
export const POLICY_MANAGER = 'sei-k8s-policy'

/**
 * Identity labels that CNIs attach to endpoints (not to pods), used by the CNI-native policy variants.
 * Cilium derives them from the pod's namespace and ServiceAccount; vanilla NetworkPolicy has no equivalent.
 */
export const CNI_LABELS = {
  ciliumNamespace: 'io.kubernetes.pod.namespace',
  ciliumServiceAccount: 'io.cilium.k8s.policy.serviceaccount',
} as const
