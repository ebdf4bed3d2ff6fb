/**
 * The informers of the SeiNode controller and how their events map to work-queue keys: SeiNodes in the
 * selected namespaces (each change → its own key); owned StatefulSets, Services and ConfigMaps, watched
 * only with the node label (`LABELS.node`) (never every object of those kinds in the cluster), each change → its
 * controller owner's key (or the node label's, for an object that lost its owner reference).
 *
 * Beside each owned kind, a names-only informer of the objects WITHOUT the node label (label selector
 * `!` + `LABELS.node`, metadata only, cached as name + controller reference): together the two caches
 * know every object of that kind, so reconcile tells "absent" from "someone else's object of our name"
 * without a GET per object. The server filters our own (labelled) objects out of that watch, so it costs
 * nothing per node.
 */
import { LABELS } from '@sei-k8s/contract'
import type { SeiNode } from '../api/seinode.js'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { Informer, type InformerOptions, objectKey } from '../kube/informer.js'
import { RESOURCES, type Resource } from '../kube/resources.js'
import { controllerOf } from './drift.js'
import type { OwnWrites } from './own-writes.js'
import type { NodeCaches } from './reconciler.js'

export const OWNED_RESOURCES = [RESOURCES.statefulSet, RESOURCES.service, RESOURCES.configMap] as const

/** The key of the SeiNode an owned object belongs to, if any. */
function ownerKey(object: KubeObject): string | undefined {
  const ns = object.metadata.namespace ?? ''
  const owner = controllerOf(object)
  if (owner !== undefined) return owner.kind === RESOURCES.seiNode.kind ? `${ns}/${owner.name}` : undefined
  const label = object.metadata.labels?.[LABELS.node]
  return label === undefined ? undefined : `${ns}/${label}`
}

/** What the names-only cache keeps of an unlabelled object: who it is and who controls it. */
function nameAndController(object: KubeObject): KubeObject {
  const controller = controllerOf(object)
  const { name, namespace, resourceVersion } = object.metadata
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      ...(controller === undefined ? {} : { ownerReferences: [controller] }),
    },
  }
}

export type InformerTuning = Pick<
  InformerOptions<KubeObject>,
  'watchdogMs' | 'backoff' | 'onRestart' | 'onUnparsableLine'
>

export interface NodeSources {
  readonly informers: readonly Informer<KubeObject>[]
  readonly caches: NodeCaches
}

export function createNodeSources(options: {
  readonly client: KubeClient
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[]
  readonly enqueue: (key: string) => void
  /** Our own writes: their watch echoes queue nothing. */
  readonly ownWrites: OwnWrites
  readonly tuning: (resource: Resource) => InformerTuning
}): NodeSources {
  const scopes: (string | undefined)[] =
    options.namespaces.length === 0 ? [undefined] : [...options.namespaces]
  const make = (
    resource: Resource,
    namespace: string | undefined,
    toKey: (o: KubeObject) => string | undefined,
    scope: Pick<InformerOptions<KubeObject>, 'labelSelector' | 'metadataOnly' | 'transform'> = {},
  ) =>
    new Informer<KubeObject>({
      client: options.client,
      resource,
      namespace,
      ...scope,
      handlers: {
        changed: (o) => {
          const key = toKey(o)
          if (key !== undefined && options.ownWrites.shouldQueue(o, key)) options.enqueue(key)
        },
        deleted: (o) => {
          options.ownWrites.forget(o)
          const key = toKey(o)
          if (key !== undefined) options.enqueue(key)
        },
      },
      ...options.tuning(resource),
    })
  const nodes = scopes.map((ns) => make(RESOURCES.seiNode, ns, objectKey))
  const labelled = { labelSelector: LABELS.node }
  const owned = new Map(
    OWNED_RESOURCES.map((r) => [r.kind, scopes.map((ns) => make(r, ns, ownerKey, labelled))]),
  )
  // Without the label, ownerKey maps only an object a SeiNode controls (one of ours that lost its label,
  // which reconcile restores); someone else's object queues nothing.
  const unlabelledScope = {
    labelSelector: `!${LABELS.node}`,
    metadataOnly: true,
    transform: nameAndController,
  }
  const unlabelled = new Map(
    OWNED_RESOURCES.map((r) => [r.kind, scopes.map((ns) => make(r, ns, ownerKey, unlabelledScope))]),
  )
  const find = (list: readonly Informer<KubeObject>[] | undefined, key: string): KubeObject | undefined => {
    for (const informer of list ?? []) {
      const found = informer.get(key)
      if (found !== undefined) return found
    }
    return undefined
  }
  return {
    informers: [...nodes, ...[...owned.values()].flat(), ...[...unlabelled.values()].flat()],
    caches: {
      node: (key) => find(nodes, key) as SeiNode | undefined,
      owned: (kind, key) => find(owned.get(kind), key) ?? find(unlabelled.get(kind), key),
    },
  }
}
