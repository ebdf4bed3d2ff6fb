import { TestenvError } from './errors.js'

/** The part of any Kubernetes object that testenv looks at. */
export interface KubeObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown }
  readonly [key: string]: unknown
}

/** A resource as the discovery API describes it. */
export interface ApiResource {
  readonly name: string
  readonly namespaced: boolean
}

/** groupVersionPath maps `v1` → `/api/v1` and `apps/v1` → `/apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
}

/** objectPath is the REST path of one named object of a resource. */
export function objectPath(
  apiVersion: string,
  resource: ApiResource,
  name: string,
  namespace?: string,
): string {
  const base = groupVersionPath(apiVersion)
  if (!resource.namespaced) return `${base}/${resource.name}/${encodeURIComponent(name)}`
  if (!namespace) {
    throw new TestenvError(
      'invalidInput',
      `${resource.name} ${name} is namespaced but has no metadata.namespace`,
    )
  }
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.name}/${encodeURIComponent(name)}`
}

/** isKubeObject narrows unknown input to a KubeObject (apiVersion, kind and metadata.name present). */
export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  const metadata = record['metadata']
  return (
    typeof record['apiVersion'] === 'string' &&
    typeof record['kind'] === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>)['name'] === 'string'
  )
}

/** findResource picks the top-level resource serving `kind` from a discovery APIResourceList body. */
export function findResource(discovery: unknown, kind: string): ApiResource | undefined {
  if (typeof discovery !== 'object' || discovery === null) return undefined
  const resources = (discovery as Record<string, unknown>)['resources']
  if (!Array.isArray(resources)) return undefined
  for (const entry of resources as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue
    const r = entry as Record<string, unknown>
    const name = r['name']
    // subresources (`pods/status`) share the kind of their parent
    if (r['kind'] === kind && typeof name === 'string' && !name.includes('/')) {
      return { name, namespaced: r['namespaced'] === true }
    }
  }
  return undefined
}
