/**
 * The controller's own listeners, paths and RBAC object names. The install manifests, the controller
 * process and the NetworkPolicy generator read them from here so none of them repeats a literal.
 */

/** Ports of the controller pod (not of node pods). */
export const CONTROLLER_PORTS = {
  /** `/healthz` and `/readyz` for the kubelet. */
  health: 8081,
  /** Prometheus metrics (controller-runtime metric names). */
  metrics: 8080,
} as const satisfies Record<string, number>

/** Kubernetes port names of the controller pod and its metrics Service. */
export const CONTROLLER_PORT_NAMES = {
  health: 'health',
  metrics: 'metrics',
} as const satisfies Record<keyof typeof CONTROLLER_PORTS, string>

/** HTTP paths served by the controller's health and metrics listeners. */
export const CONTROLLER_PATHS = {
  /** Liveness: the process and its work queue respond. */
  healthz: '/healthz',
  /** Readiness: informers synced (and, when leading, the leader lease held). */
  readyz: '/readyz',
  /** Prometheus exposition. */
  metrics: '/metrics',
} as const satisfies Record<string, `/${string}`>

/**
 * Names of the RBAC objects shipped in the install manifests. `rbacProxy` is bound to the node pods'
 * ServiceAccount so kube-rbac-proxy can create TokenReviews and SubjectAccessReviews; `taskSubmitter`
 * grants the task API verbs that kube-rbac-proxy's SubjectAccessReview checks.
 */
export const CONTROLLER_RBAC = {
  managerRole: 'sei-k8s-controller-manager',
  leaderElectionRole: 'sei-k8s-controller-leader-election',
  rbacProxyRole: 'sei-k8s-rbac-proxy',
  taskSubmitterRole: 'sei-k8s-task-submitter',
} as const satisfies Record<string, string>

/** Name of the Lease the controller replicas elect a leader with (in CONTROLLER.namespace). */
export const CONTROLLER_LEADER_ELECTION_ID = 'sei-k8s-controller.sei.io'
