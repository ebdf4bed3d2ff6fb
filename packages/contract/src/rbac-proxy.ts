/** What kube-rbac-proxy authorizes: the attributes of the SubjectAccessReview it sends per request. */

import { CRD } from './names.js'

/** The resource checked for every task API call; the verb comes from the HTTP method. */
export const TASK_RESOURCE = 'seinodetasks'

/** The ConfigMap key that holds kube-rbac-proxy's config file, and where it is mounted. */
export const RBAC_PROXY = {
  configKey: 'config.yaml',
  configDir: '/etc/kube-rbac-proxy',
  /**
   * Pinned: kube-rbac-proxy is still labelled alpha upstream. The tag is the version
   * @sei-k8s/testenv builds and tests against (its versions.test.ts fails when they differ).
   */
  image: 'quay.io/brancz/kube-rbac-proxy:v0.22.1',
} as const

/** Name of a node's kube-rbac-proxy ConfigMap. */
export function rbacProxyConfigMapName(nodeName: string): string {
  return `${nodeName}-rbac-proxy-config`
}

/** Full path of the proxy's config file inside its container. */
export function rbacProxyConfigPath(): string {
  return `${RBAC_PROXY.configDir}/${RBAC_PROXY.configKey}`
}

/** `authorization.resourceAttributes` of the proxy config. The field is `apiGroup`, not `group`. */
export interface ResourceAttributes {
  readonly apiGroup: string
  readonly resource: string
  readonly namespace: string
  readonly name: string
}

/** The SAR attributes for one SeiNode's task API. */
export function rbacProxyResourceAttributes(namespace: string, nodeName: string): ResourceAttributes {
  return { apiGroup: CRD.group, resource: TASK_RESOURCE, namespace, name: nodeName }
}

/** The whole kube-rbac-proxy config document for one SeiNode (serialize it as YAML or JSON). */
export function rbacProxyConfig(
  namespace: string,
  nodeName: string,
): { readonly authorization: { readonly resourceAttributes: ResourceAttributes } } {
  return { authorization: { resourceAttributes: rbacProxyResourceAttributes(namespace, nodeName) } }
}
