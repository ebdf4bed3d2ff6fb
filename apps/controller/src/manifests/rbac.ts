/**
 * RBAC of the install: the controller's own ClusterRole and leader-election Role; `sei-k8s-rbac-proxy`
 * (TokenReview + SubjectAccessReview) for the node pods' ServiceAccount, which kube-rbac-proxy runs as;
 * and the task-submitter ClusterRole (`seinodetasks` create/get: the verbs kube-rbac-proxy's SAR checks for
 * the controller's POST/GET; it never deletes a task) bound to the controller's ServiceAccount.
 */
import { CONTROLLER, CONTROLLER_RBAC, CRD, NODE_SERVICE_ACCOUNT, TASK_RESOURCE } from '@sei-k8s/contract'
import type { ManifestOptions } from './manager.js'

const RBAC_API = 'rbac.authorization.k8s.io/v1'
const LABELS = { 'app.kubernetes.io/part-of': 'sei-k8s' }

interface Rule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
  resourceNames?: string[]
}

function clusterRole(name: string, rules: Rule[]): object {
  return { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name, labels: LABELS }, rules }
}

function controllerSubject(): object {
  return { kind: 'ServiceAccount', name: CONTROLLER.serviceAccount, namespace: CONTROLLER.namespace }
}

function clusterRoleBinding(name: string, subjects: object[]): object {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects,
  }
}

// Server-side apply authorizes as `patch`, and as `create` too when the object does not exist yet. No
// `get`: existence is answered by the watches (label-scoped and names-only), never by a read per object.
const APPLIED = ['list', 'watch', 'create', 'patch']

/**
 * Exactly what `run` calls (a test compares this with the calls it records): SeiNodes and their status,
 * the owned objects (applied), the node ServiceAccount and its ClusterRoleBinding, and Events. `bind` is
 * limited by resourceNames to the one ClusterRole the controller binds: creating a binding otherwise
 * needs every permission it grants, or `bind` on any role, which would let it grant anything.
 */
export function buildManagerRole(): object {
  return clusterRole(CONTROLLER_RBAC.managerRole, [
    { apiGroups: [CRD.group], resources: [CRD.plural], verbs: ['list', 'watch'] },
    { apiGroups: [CRD.group], resources: [`${CRD.plural}/status`], verbs: ['patch'] },
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: APPLIED },
    { apiGroups: [''], resources: ['configmaps', 'services'], verbs: APPLIED },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create', 'patch'] },
    // The Namespace's uid owns the per-namespace proxy binding (garbage-collected with the namespace).
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterrolebindings'],
      verbs: ['get', 'create', 'patch'],
    },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: [CONTROLLER_RBAC.rbacProxyRole],
    },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
  ])
}

export function buildManagerRoleBinding(): object {
  return clusterRoleBinding(CONTROLLER_RBAC.managerRole, [controllerSubject()])
}

/** Leases for leader election, only in the controller's namespace. */
export function buildLeaderElectionRole(): object {
  return {
    apiVersion: RBAC_API,
    kind: 'Role',
    metadata: { name: CONTROLLER_RBAC.leaderElectionRole, namespace: CONTROLLER.namespace, labels: LABELS },
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ],
  }
}

export function buildLeaderElectionRoleBinding(): object {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name: CONTROLLER_RBAC.leaderElectionRole, namespace: CONTROLLER.namespace, labels: LABELS },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: CONTROLLER_RBAC.leaderElectionRole,
    },
    subjects: [controllerSubject()],
  }
}

/** What kube-rbac-proxy needs to authenticate (TokenReview) and authorise (SAR) each request. */
export function buildRbacProxyRole(): object {
  return clusterRole(CONTROLLER_RBAC.rbacProxyRole, [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ])
}

export function buildRbacProxyRoleBinding(options: ManifestOptions): object {
  const namespaces = [...new Set(options.nodeNamespaces)].sort()
  return clusterRoleBinding(
    CONTROLLER_RBAC.rbacProxyRole,
    namespaces.map((namespace) => ({ kind: 'ServiceAccount', name: NODE_SERVICE_ACCOUNT, namespace })),
  )
}

/**
 * The task API as the controller calls it, as kube-rbac-proxy's SAR sees it: POST→create, GET→get on
 * seinodetasks (client.test.ts compares these with the methods the sidecar client sends).
 */
export function buildTaskSubmitterRole(): object {
  return clusterRole(CONTROLLER_RBAC.taskSubmitterRole, [
    { apiGroups: [CRD.group], resources: [TASK_RESOURCE], verbs: ['create', 'get'] },
  ])
}

export function buildTaskSubmitterRoleBinding(): object {
  return clusterRoleBinding(CONTROLLER_RBAC.taskSubmitterRole, [controllerSubject()])
}
