/**
 * Callers of the task API: fresh ServiceAccounts (kube-rbac-proxy caches TokenReviews for 2 min, SAR
 * allows for 5 min and denials for 30 s, so every case gets its own identity), the task-submitter grant,
 * and a wait until the apiserver's RBAC authorizer sees a grant before the proxy asks it.
 */
import { randomBytes } from 'node:crypto'
import { CONTROLLER_RBAC, type ResourceAttributes } from '@sei-k8s/contract'
import type { ControlPlaneClient, KubeObject } from '@sei-k8s/testenv'
import { parse } from 'yaml'
import { waitFor } from '../../src/http.js'

export interface Caller {
  readonly namespace: string
  readonly serviceAccount: string
  /** The username kube-rbac-proxy forwards in X-Remote-User. */
  readonly user: string
  readonly token: string
}

/** The SAR attributes kube-rbac-proxy checks, read back from its rendered config file. */
export function sarAttributes(proxyConfigYaml: string): ResourceAttributes {
  const config = parse(proxyConfigYaml) as { authorization?: { resourceAttributes?: ResourceAttributes } }
  const attributes = config.authorization?.resourceAttributes
  if (!attributes) throw new Error('the proxy config has no authorization.resourceAttributes')
  return attributes
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`
}

/** A token for `namespace/name` (the ServiceAccount is created if missing). */
export async function callerFor(plane: ControlPlaneClient, namespace: string, name: string): Promise<Caller> {
  const token = await plane.createServiceAccountToken(namespace, name)
  return { namespace, serviceAccount: name, user: serviceAccountUser(namespace, name), token }
}

/** A ServiceAccount never used before, in `namespace`, with no grants. */
export function freshCaller(plane: ControlPlaneClient, namespace: string, prefix: string): Promise<Caller> {
  return callerFor(plane, namespace, `${prefix}-${randomBytes(3).toString('hex')}`)
}

/** Binds the shipped task-submitter ClusterRole to `caller` with a RoleBinding in the node's namespace. */
export async function grantTaskApi(
  plane: ControlPlaneClient,
  caller: Caller,
  nodeNamespace: string,
): Promise<void> {
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: `${CONTROLLER_RBAC.taskSubmitterRole}-${caller.serviceAccount}`,
      namespace: nodeNamespace,
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: CONTROLLER_RBAC.taskSubmitterRole,
    },
    subjects: [{ kind: 'ServiceAccount', name: caller.serviceAccount, namespace: caller.namespace }],
  }
  await plane.applyManifest([binding as KubeObject])
}

/** Whether the apiserver allows `user` the verb on the attributes (a SubjectAccessReview, as admin). */
async function isAllowed(
  plane: ControlPlaneClient,
  user: string,
  verb: string,
  attributes: ResourceAttributes,
): Promise<boolean> {
  const { apiGroup, ...rest } = attributes
  const res = await plane.kube.expectOk('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, resourceAttributes: { group: apiGroup, verb, ...rest } },
    },
  })
  return (res.body as { status?: { allowed?: boolean } }).status?.allowed === true
}

/**
 * Waits until the apiserver allows `user` every verb: a binding reaches the RBAC authorizer through an
 * informer, and a denial the proxy saw meanwhile would stay cached for 30 s.
 */
export async function waitForAccess(
  plane: ControlPlaneClient,
  user: string,
  verbs: readonly string[],
  attributes: ResourceAttributes,
): Promise<void> {
  for (const verb of verbs) {
    await waitFor(`${user} allowed to ${verb} ${attributes.resource}`, async () =>
      (await isAllowed(plane, user, verb, attributes)) ? true : undefined,
    )
  }
}
