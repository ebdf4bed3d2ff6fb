/**
 * KubeClient: the few API calls `run` makes, typed errors included. Every object the controller owns is
 * written with server-side apply under one field manager with `force` (the controller is the authority
 * for the fields it sets); status goes through the status subresource as a merge patch carrying the
 * resourceVersion read (an optimistic lock: a stale write is a Conflict, never a silent overwrite).
 * `onCall` reports (verb, resource) of every request, so a test can compare them with the ClusterRole.
 */
import type { IncomingMessage } from 'node:http'
import type { KubeConnection } from './connection.js'
import { type Resource, resourceOf, resourcePath } from './resources.js'

interface ObjectMeta {
  readonly name: string
  readonly namespace?: string
  readonly uid?: string
  readonly resourceVersion?: string
  readonly generation?: number
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  readonly ownerReferences?: readonly OwnerReference[]
  readonly deletionTimestamp?: string
  readonly managedFields?: readonly unknown[]
}

export interface OwnerReference {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly uid: string
  readonly controller?: boolean
  readonly blockOwnerDeletion?: boolean
}

export interface KubeObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: ObjectMeta
}

export interface ObjectList<T> {
  /** null in an empty PartialObjectMetadataList. */
  readonly items: T[] | null
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string }
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete'

interface ListOptions {
  readonly namespace?: string | undefined
  readonly labelSelector?: string | undefined
  /** Page size; the answer's `metadata.continue` fetches the next page. */
  readonly limit?: number | undefined
  readonly continue?: string | undefined
  /** Only each object's metadata (PartialObjectMetadata): names and owners without the objects' bodies. */
  readonly metadataOnly?: boolean | undefined
}

/**
 * Accept headers for metadata-only reads (what controller-runtime's metadata informers send): the server
 * answers with PartialObjectMetadata(List), so a cache of names never receives the objects' bodies.
 */
const METADATA_ONLY = {
  list: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
  watch: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
} as const

export interface KubeClient {
  get<T extends KubeObject>(resource: Resource, namespace: string | undefined, name: string): Promise<T>
  list<T extends KubeObject>(resource: Resource, options?: ListOptions): Promise<ObjectList<T>>
  /**
   * Server-side apply (create or update) of `object` under `fieldManager`, with force unless
   * `force: false` (then a field another manager set to a different value is a Conflict, not taken over).
   */
  apply<T extends KubeObject>(
    object: KubeObject,
    fieldManager: string,
    options?: { readonly force?: boolean },
  ): Promise<T>
  create<T extends KubeObject>(resource: Resource, object: KubeObject): Promise<T>
  /** PUT with the object's resourceVersion (optimistic lock). */
  update<T extends KubeObject>(resource: Resource, object: KubeObject): Promise<T>
  /** Merge-patches `status`; with `resourceVersion` a concurrent change fails with Conflict. */
  patchStatus<T extends KubeObject>(
    resource: Resource,
    meta: {
      readonly namespace?: string | undefined
      readonly name: string
      readonly resourceVersion?: string
    },
    status: unknown,
  ): Promise<T>
  delete(resource: Resource, namespace: string | undefined, name: string): Promise<void>
  /** Opens a watch stream (the query carries watch=1, resourceVersion, bookmarks, label selector). */
  watch(
    resource: Resource,
    path: string,
    signal: AbortSignal,
    options?: { readonly metadataOnly?: boolean | undefined },
  ): Promise<IncomingMessage>
}

export interface KubeClientOptions {
  /** Called before every request with the RBAC verb and the resource. */
  readonly onCall?: (verb: Verb, resource: Resource) => void
}

function describe(resource: Resource, namespace: string | undefined, name: string): string {
  return `${resource.kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`
}

export function createKubeClient(connection: KubeConnection, options: KubeClientOptions = {}): KubeClient {
  const call = (verb: Verb, resource: Resource): void => options.onCall?.(verb, resource)
  return {
    async watch(resource, path, signal, watchOptions = {}) {
      call('watch', resource)
      const accept = watchOptions.metadataOnly === true ? METADATA_ONLY.watch : undefined
      return connection.stream(path, signal, `watching ${resource.plural}`, accept)
    },
    async get(resource, namespace, name) {
      call('get', resource)
      return connection.request({
        method: 'GET',
        path: resourcePath(resource, { namespace, name }),
        context: `getting ${describe(resource, namespace, name)}`,
      })
    },
    async list(resource, listOptions = {}) {
      call('list', resource)
      return connection.request({
        method: 'GET',
        path: resourcePath(resource, {
          namespace: listOptions.namespace,
          query: {
            labelSelector: listOptions.labelSelector,
            limit: listOptions.limit === undefined ? undefined : String(listOptions.limit),
            continue: listOptions.continue,
          },
        }),
        ...(listOptions.metadataOnly === true ? { accept: METADATA_ONLY.list } : {}),
        context: `listing ${resource.plural}`,
      })
    },
    async apply(object, fieldManager, applyOptions = {}) {
      const resource = resourceOf(object)
      const { namespace, name } = object.metadata
      // The API server authorizes an apply as `patch`, and as `create` as well when it creates.
      call('patch', resource)
      call('create', resource)
      return connection.request({
        method: 'PATCH',
        path: resourcePath(resource, {
          namespace,
          name,
          query: { fieldManager, force: applyOptions.force === false ? undefined : 'true' },
        }),
        // JSON is YAML: the apply patch content type accepts it as is.
        contentType: 'application/apply-patch+yaml',
        body: object,
        context: `applying ${describe(resource, namespace, name)}`,
      })
    },
    async create(resource, object) {
      call('create', resource)
      return connection.request({
        method: 'POST',
        path: resourcePath(resource, { namespace: object.metadata.namespace }),
        body: object,
        context: `creating ${describe(resource, object.metadata.namespace, object.metadata.name)}`,
      })
    },
    async update(resource, object) {
      const { namespace, name } = object.metadata
      call('update', resource)
      return connection.request({
        method: 'PUT',
        path: resourcePath(resource, { namespace, name }),
        body: object,
        context: `updating ${describe(resource, namespace, name)}`,
      })
    },
    async patchStatus(resource, meta, status) {
      call('patch', { ...resource, plural: `${resource.plural}/status` })
      const metadata =
        meta.resourceVersion === undefined ? {} : { metadata: { resourceVersion: meta.resourceVersion } }
      return connection.request({
        method: 'PATCH',
        path: resourcePath(resource, { namespace: meta.namespace, name: meta.name, subresource: 'status' }),
        contentType: 'application/merge-patch+json',
        body: { ...metadata, status },
        context: `patching status of ${describe(resource, meta.namespace, meta.name)}`,
      })
    },
    async delete(resource, namespace, name) {
      call('delete', resource)
      await connection.request({
        method: 'DELETE',
        path: resourcePath(resource, { namespace, name }),
        context: `deleting ${describe(resource, namespace, name)}`,
      })
    },
  }
}
