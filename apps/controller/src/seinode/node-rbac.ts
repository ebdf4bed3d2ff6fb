/**
 * Node pod RBAC, ensured per namespace so a SeiNode works in any namespace without hand edits: the node
 * ServiceAccount (kube-rbac-proxy runs as it) and a ClusterRoleBinding `sei-k8s-rbac-proxy:<namespace>`
 * of the ClusterRole `sei-k8s-rbac-proxy` (create TokenReviews and SubjectAccessReviews) to it. It must be
 * a ClusterRoleBinding: TokenReview and SubjectAccessReview are cluster-scoped, which a RoleBinding cannot
 * grant. Creating it needs `bind` on that one ClusterRole (granted by resourceNames), not the rights
 * themselves. Reads first and writes only what is missing or different; remembers namespaces done.
 * Both stay while the namespace exists (its SeiNodes share them); the namespace's deletion removes both.
 */
import { CONTROLLER, CONTROLLER_RBAC } from '@sei-k8s/contract'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { isKubeError } from '../kube/errors.js'
import { RESOURCES } from '../kube/resources.js'
import { isSubset } from './drift.js'

const MANAGED_BY = { 'app.kubernetes.io/managed-by': CONTROLLER.fieldManager }

/** Name of the per-namespace binding. */
function nodeRbacBindingName(namespace: string): string {
  return `${CONTROLLER_RBAC.rbacProxyRole}:${namespace}`
}

/**
 * The node ServiceAccount and its proxy binding in `namespace`. PURE. The binding is owned by the
 * Namespace (a cluster-scoped owner of a cluster-scoped object), so the garbage collector removes it with
 * the namespace instead of leaving a binding to a ServiceAccount that no longer exists.
 */
function buildNodeRbac(
  namespace: string,
  namespaceUid: string,
  serviceAccount: string,
): [KubeObject, KubeObject] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: serviceAccount, namespace, labels: MANAGED_BY },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {
        name: nodeRbacBindingName(namespace),
        labels: MANAGED_BY,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Namespace', name: namespace, uid: namespaceUid }],
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: CONTROLLER_RBAC.rbacProxyRole,
      },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    } as KubeObject,
  ]
}

export interface NodeRbac {
  /** Ensures the objects of `namespace`; cheap after the first success. */
  ensure(namespace: string): Promise<void>
}

export function createNodeRbac(client: KubeClient, serviceAccount: string): NodeRbac {
  const done = new Set<string>()
  const ensureOne = async (object: KubeObject): Promise<void> => {
    const resource =
      object.kind === 'ServiceAccount' ? RESOURCES.serviceAccount : RESOURCES.clusterRoleBinding
    try {
      const live = await client.get(resource, object.metadata.namespace, object.metadata.name)
      if (isSubset(object, live)) return
    } catch (error) {
      if (!isKubeError(error, 'NotFound')) throw error
    }
    await client.apply(object, CONTROLLER.fieldManager)
  }
  // One ensure per namespace at a time: the first reconciles of a namespace (one per worker) share it
  // instead of each sending the same GETs and applies. A failure is forgotten, so the next one retries.
  const inFlight = new Map<string, Promise<void>>()
  const ensureNamespace = async (namespace: string): Promise<void> => {
    const ns = await client.get(RESOURCES.namespace, undefined, namespace)
    for (const object of buildNodeRbac(namespace, ns.metadata.uid ?? '', serviceAccount))
      await ensureOne(object)
    done.add(namespace)
  }
  return {
    async ensure(namespace) {
      if (done.has(namespace)) return
      let pending = inFlight.get(namespace)
      if (pending === undefined) {
        pending = ensureNamespace(namespace).finally(() => inFlight.delete(namespace))
        inFlight.set(namespace, pending)
      }
      await pending
    },
  }
}
