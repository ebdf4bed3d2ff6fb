/**
 * The ConfigMap `<node>-rbac-proxy-config` holding kube-rbac-proxy's config: the SubjectAccessReview
 * attributes (`apiGroup: sei.io`, `resource: seinodetasks`, the node's namespace and name) checked on
 * EVERY request through PORTS.proxy.
 */
import { RBAC_PROXY, rbacProxyConfig, rbacProxyConfigMapName } from '@sei-k8s/contract'
import { stringify } from 'yaml'
import type { ConfigMap } from './k8s-types.js'
import { nodeLabels } from './labels.js'
import type { NodeView } from './node-view.js'

/** Builds the proxy ConfigMap of a node. */
export function buildRbacProxyConfigMap(view: NodeView): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: rbacProxyConfigMapName(view.name),
      namespace: view.namespace,
      labels: nodeLabels(view),
    },
    data: {
      [RBAC_PROXY.configKey]: stringify(rbacProxyConfig(view.namespace, view.name), { sortMapEntries: true }),
    },
  }
}
