/**
 * The install manifests' RBAC that the trust boundary depends on, taken from the controller's own
 * `installObjects`: the controller's Namespace and ServiceAccount, the task-submitter ClusterRole with
 * its binding to that ServiceAccount, and the rbac-proxy ClusterRole bound to the node ServiceAccount of
 * the node's namespace.
 */
import { CONTROLLER_RBAC } from '@sei-k8s/contract'
import { DEFAULT_MANIFEST_OPTIONS, installObjects } from '@sei-k8s/controller'
import type { KubeObject } from '@sei-k8s/testenv'

const KINDS = new Set(['Namespace', 'ServiceAccount'])
const ROLES = new Set<string>([CONTROLLER_RBAC.taskSubmitterRole, CONTROLLER_RBAC.rbacProxyRole])

/** The shipped objects, in the manifests' apply order, rendered for a node namespace. */
export function installRbac(nodeNamespace: string): KubeObject[] {
  return installObjects({ ...DEFAULT_MANIFEST_OPTIONS, nodeNamespaces: [nodeNamespace] })
    .map(([, object]) => object as KubeObject)
    .filter((o) => KINDS.has(o.kind) || ROLES.has(o.metadata.name))
}
