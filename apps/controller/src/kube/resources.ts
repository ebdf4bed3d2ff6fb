/**
 * The resources `run` touches, with their REST paths. One table, so the RBAC test can compare what the
 * code calls with the shipped ClusterRole by (apiGroup, resource).
 */
import { CRD } from '@sei-k8s/contract'

export interface Resource {
  /** API group ('' for the core group). */
  readonly group: string
  readonly version: string
  readonly plural: string
  readonly kind: string
  readonly namespaced: boolean
}

function res(group: string, version: string, plural: string, kind: string, namespaced = true): Resource {
  return { group, version, plural, kind, namespaced }
}

export const RESOURCES = {
  seiNode: res(CRD.group, CRD.version, CRD.plural, CRD.kind),
  statefulSet: res('apps', 'v1', 'statefulsets', 'StatefulSet'),
  service: res('', 'v1', 'services', 'Service'),
  configMap: res('', 'v1', 'configmaps', 'ConfigMap'),
  serviceAccount: res('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  namespace: res('', 'v1', 'namespaces', 'Namespace', false),
  clusterRoleBinding: res(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    false,
  ),
  lease: res('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  event: res('events.k8s.io', 'v1', 'events', 'Event'),
} as const satisfies Record<string, Resource>

/** `apiVersion` of a resource's objects. */
export function apiVersionOf(resource: Resource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`
}

/** The resource of an object by its apiVersion and kind (only kinds in RESOURCES). */
export function resourceOf(object: { readonly apiVersion: string; readonly kind: string }): Resource {
  const found = Object.values(RESOURCES).find(
    (r) => apiVersionOf(r) === object.apiVersion && r.kind === object.kind,
  )
  if (found === undefined) throw new Error(`no resource known for ${object.apiVersion} ${object.kind}`)
  return found
}

export interface PathParts {
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
  readonly query?: Readonly<Record<string, string | undefined>>
}

/** REST path of a collection or object, e.g. `/apis/apps/v1/namespaces/ns/statefulsets/name/status`. */
export function resourcePath(resource: Resource, parts: PathParts = {}): string {
  const base =
    resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`
  const ns =
    resource.namespaced && parts.namespace !== undefined
      ? `/namespaces/${encodeURIComponent(parts.namespace)}`
      : ''
  const name = parts.name === undefined ? '' : `/${encodeURIComponent(parts.name)}`
  const sub = parts.subresource === undefined ? '' : `/${parts.subresource}`
  const query = Object.entries(parts.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
  const qs = query.length === 0 ? '' : `?${new URLSearchParams(query).toString()}`
  return `${base}${ns}/${resource.plural}${name}${sub}${qs}`
}
