/** Names of Kubernetes objects and containers shared by the controller, its manifests and the policies. */

/** The SeiNode custom resource. */
export const CRD = {
  group: 'sei.io',
  version: 'v1alpha1',
  kind: 'SeiNode',
  listKind: 'SeiNodeList',
  plural: 'seinodes',
  singular: 'seinode',
  shortName: 'snode',
} as const

/** `apiVersion` of SeiNode objects. */
export const SEINODE_API_VERSION = `${CRD.group}/${CRD.version}` as const

/** Containers of a node pod, in start order. */
export const CONTAINERS = {
  seidInit: 'seid-init',
  sidecar: 'sei-sidecar',
  rbacProxy: 'kube-rbac-proxy',
  seid: 'seid',
} as const

/**
 * Where the controller runs. PUBLIC: the :8443 NetworkPolicy admits exactly pods with `podLabels`
 * in `namespace`, so the controller Deployment and the policy generator both read them from here.
 */
export const CONTROLLER = {
  namespace: 'sei-k8s-controller-system',
  serviceAccount: 'sei-k8s-controller-manager',
  podLabels: { 'app.kubernetes.io/name': 'sei-k8s-controller', 'app.kubernetes.io/component': 'manager' },
  /** Server-side apply field manager for every object the controller owns. */
  fieldManager: 'sei-k8s-controller',
} as const

/** The ServiceAccount node pods run as by default (kube-rbac-proxy's TokenReview/SAR identity). */
export const NODE_SERVICE_ACCOUNT = 'seid-node'

/** Where Prometheus (kube-prometheus-stack) runs. PUBLIC: the :9100 NetworkPolicy admits this namespace. */
export const MONITORING = {
  namespace: 'monitoring',
} as const

/** Well-known Kubernetes label that names a namespace; NetworkPolicies select namespaces by it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name'
