/**
 * Reconciles one SeiNode. Fixed shape: get from the cache (gone → done: owner references let the garbage
 * collector delete the owned objects) → ensure node RBAC → build (pure) → for each owned object, skip it
 * when the cache shows it up to date, stall when the cache shows someone else's object of its name, else
 * server-side apply it (one field manager, controller owner reference; force unless no cache knows the
 * object; a node's applies are sent concurrently; no reads: the caches answer existence) → status (pure) → one optimistic-lock status
 * patch, only if it changed (a conflict requeues quietly) → Events on phase change and Stalled. Between
 * apply and status, the node's sidecar is asked through its kube-rbac-proxy (sidecar-sync.ts):
 * SidecarReady, the init/reconfigure plan, the node id; its `requeueAfterMs` paces the polling (a running
 * task, the SidecarReady poll period).
 *
 * A refusal that retrying now cannot fix (an object of the same name owned by someone else, a 422 for an
 * immutable field, a failed build guard) becomes `Stalled=True` with the reason and message, and the key
 * is retried with the queue's exponential backoff (StalledError), never in a hot loop. Transient errors
 * (network, 5xx, conflicts) are thrown for a backed-off retry without touching the status.
 */
import { CONTROLLER, CRD, EVENT_REASONS, SEINODE_API_VERSION } from '@sei-k8s/contract'
import type { Logger } from 'pino'
import type { SeiNode } from '../api/seinode.js'
import { ControllerError } from '../errors.js'
import type { KubeClient, KubeObject, OwnerReference } from '../kube/client.js'
import { isKubeError, KubeApiError } from '../kube/errors.js'
import { RESOURCES } from '../kube/resources.js'
import { buildAll } from '../noderesource/index.js'
import type { PlatformConfig } from '../platform.js'
import type { ReconcileOutcome, Reconciler } from '../runtime/controller.js'
import { controllerOf, isUpToDate, withIntent } from './drift.js'
import type { EventRecorder } from './events.js'
import type { NodeRbac } from './node-rbac.js'
import type { OwnWrites } from './own-writes.js'
import type { SidecarObservation, SidecarSync } from './sidecar-sync.js'
import { computeStatus, isSameStatus, type Stall, type StatefulSetView } from './status.js'

/** Thrown after a Stalled status was written, so the queue retries with backoff. */
export class StalledError extends Error {
  override readonly name = 'StalledError'
}

/** Read access to the informer caches, by `namespace/name`. */
export interface NodeCaches {
  node(key: string): SeiNode | undefined
  /**
   * The cached object of that kind (ConfigMap, Service, StatefulSet) and name, whoever owns it: ours in
   * full (label-scoped informer), any other only as name + controller reference (names-only informer).
   * Undefined means no such object exists, as far as the watches have seen.
   */
  owned(kind: string, key: string): KubeObject | undefined
}

export interface SeiNodeReconcilerDeps {
  readonly client: KubeClient
  readonly caches: NodeCaches
  readonly platform: PlatformConfig
  readonly nodeRbac: NodeRbac
  readonly events: EventRecorder
  readonly log: Logger
  readonly now: () => number
  /** A fresh id per reconcile (logged as reconcileId). */
  readonly newId: () => string
  /** Asks the node's sidecar (through its proxy) once its StatefulSet exists. */
  readonly sidecar: SidecarSync
  /** Where the states our writes answered with are remembered (their watch echoes queue nothing). */
  readonly ownWrites: OwnWrites
}

function ownerOf(node: SeiNode): OwnerReference {
  return {
    apiVersion: SEINODE_API_VERSION,
    kind: CRD.kind,
    name: node.metadata.name,
    uid: node.metadata.uid ?? '',
    controller: true,
    // No blockOwnerDeletion: it needs `update` on seinodes/finalizers where OwnerReferencesPermission-
    // Enforcement runs, and nothing here uses foreground deletion.
  }
}

/** The node's resourceVersion (the optimistic lock of the status patch), when it has one. */
function metaOf(node: SeiNode): { resourceVersion?: string } {
  const rv = (node.metadata as { resourceVersion?: unknown }).resourceVersion
  return typeof rv === 'string' ? { resourceVersion: rv } : {}
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`
}

/** An object of the node's name exists and is controlled by someone else (or no one): never taken over. */
class NotOwnedError extends Error {
  override readonly name = 'NotOwnedError'
}

/** A Stall from an error that retrying now cannot fix, or undefined for a transient one. */
function stallOf(error: unknown): Stall | undefined {
  if (error instanceof NotOwnedError) return { reason: 'NotOwned', message: error.message }
  if (error instanceof ControllerError)
    return { reason: 'BuildFailed', message: `${error.code}: ${error.message}` }
  if (
    error instanceof KubeApiError &&
    (error.kind === 'Invalid' || error.kind === 'Forbidden' || error.status === 400)
  ) {
    return { reason: error.reason.replace(/[^A-Za-z0-9_]/g, '') || 'Invalid', message: error.message }
  }
  return undefined
}

export function createSeiNodeReconciler(deps: SeiNodeReconcilerDeps): Reconciler {
  const { client, caches } = deps

  /** Applies what differs; returns the StatefulSet as the server (or cache) has it. */
  const applyOwned = async (
    node: SeiNode,
    objects: KubeObject[],
    log: Logger,
  ): Promise<StatefulSetView | undefined> => {
    const owner = ownerOf(node)
    let statefulSet: StatefulSetView | undefined
    const writes: { desired: KubeObject; intended: KubeObject; isNew: boolean }[] = []
    for (const desired of objects) {
      const intended = withIntent(desired, owner)
      const live = caches.owned(desired.kind, keyOf(desired))
      const controller = live === undefined ? undefined : controllerOf(live)
      if (live !== undefined && controller?.uid !== owner.uid) {
        const by = controller === undefined ? 'no controller' : `${controller.kind} ${controller.name}`
        throw new NotOwnedError(
          `${desired.kind} ${keyOf(desired)} exists and is not controlled by this SeiNode (controller: ${by}); delete or rename it`,
        )
      }
      if (isUpToDate(intended, live)) {
        if (desired.kind === 'StatefulSet') statefulSet = live as StatefulSetView | undefined
        continue
      }
      writes.push({ desired, intended, isNew: live === undefined })
    }
    // The applies of one node are independent (a StatefulSet may exist before its ConfigMap and
    // Service): sent at once, one round trip instead of three. Every apply settles before an error is
    // thrown, so none is left running into the next reconcile of this key.
    // An object no cache knows is applied WITHOUT force: should one of our name appear in the moment
    // before our watches see it, a field its manager set differently is a Conflict (retried with backoff,
    // by when the caches know the object: ours → applied with force, someone else's → NotOwned) instead of
    // being taken over.
    const results = await Promise.allSettled(
      writes.map(({ intended, isNew }) => client.apply(intended, CONTROLLER.fieldManager, { force: !isNew })),
    )
    for (const [i, result] of results.entries()) {
      const { desired, isNew } = writes[i] as (typeof writes)[number]
      if (result.status === 'rejected') throw result.reason
      deps.ownWrites.record(result.value)
      log.info({ kind: desired.kind, name: desired.metadata.name }, isNew ? 'created' : 'applied')
      if (desired.kind === 'StatefulSet') statefulSet = result.value as StatefulSetView
    }
    return statefulSet
  }

  return async (key): Promise<ReconcileOutcome> => {
    const log = deps.log.child({ key, reconcileId: deps.newId() })
    const node = caches.node(key)
    if (
      node === undefined ||
      (node.metadata as { deletionTimestamp?: string }).deletionTimestamp !== undefined
    ) {
      return {}
    }
    const namespace = node.metadata.namespace ?? 'default'
    let stall: Stall | undefined
    let statefulSet: StatefulSetView | undefined
    try {
      await deps.nodeRbac.ensure(namespace)
      statefulSet = await applyOwned(node, buildAll(node, deps.platform) as unknown as KubeObject[], log)
    } catch (error) {
      stall = stallOf(error)
      if (stall === undefined) throw error
      const cached = caches.owned('StatefulSet', key)
      // Only our own StatefulSet speaks for this node's readiness.
      statefulSet =
        cached !== undefined && controllerOf(cached)?.uid === node.metadata.uid
          ? (cached as StatefulSetView)
          : undefined
    }
    let sidecar: SidecarObservation | undefined
    if (stall === undefined) {
      sidecar =
        node.spec.paused === true
          ? { sidecarReady: { status: 'False', reason: 'Paused', message: 'spec.paused is true' } }
          : statefulSet === undefined
            ? { sidecarReady: { status: 'Unknown', reason: 'Pending', message: 'no StatefulSet yet' } }
            : await deps.sidecar(node, log)
    }
    const status = computeStatus({
      node,
      statefulSet,
      stall,
      sidecar,
      now: new Date(deps.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    })
    if (!isSameStatus(node.status ?? {}, status)) {
      try {
        const written = await client.patchStatus<KubeObject>(
          RESOURCES.seiNode,
          { namespace, name: node.metadata.name, ...metaOf(node) },
          status,
        )
        deps.ownWrites.record(written)
      } catch (error) {
        // 409: the cached node is older than the server's (typically our own previous status write, whose
        // watch event has not arrived yet, while an owned object's event already queued this key). The
        // lock stays: this status was computed from the cached status (phase, conditions' transition
        // times, the sidecar plan's progress), so writing it over a newer one could step back. Not a
        // failure: requeue with the queue's short backoff (counted as result="requeue"); by then the
        // watch has delivered the newer node and the next reconcile starts from it.
        if (!isKubeError(error, 'Conflict')) throw error
        log.debug({ resourceVersion: metaOf(node).resourceVersion }, 'status conflict, requeued')
        return { requeue: true }
      }
      log.info({ phase: status.phase }, 'status updated')
      // Best effort and off the critical path: the next key need not wait for an Event.
      void emitEvents(deps, log, node, status.phase, stall)
    }
    if (stall !== undefined) {
      log.warn({ reason: stall.reason }, `stalled: ${stall.message}`)
      throw new StalledError(`${stall.reason}: ${stall.message}`)
    }
    return sidecar?.requeueAfterMs === undefined ? {} : { requeueAfterMs: sidecar.requeueAfterMs }
  }
}

async function emitEvents(
  deps: SeiNodeReconcilerDeps,
  log: Logger,
  node: SeiNode,
  phase: string | undefined,
  stall: Stall | undefined,
): Promise<void> {
  const before = node.status?.phase
  const wasStalled =
    node.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false
  const events = []
  if (phase !== before) {
    events.push({
      type: 'Normal' as const,
      reason: EVENT_REASONS.phaseChanged,
      note: `phase ${before ?? '(none)'} → ${phase}`,
    })
  }
  if (stall !== undefined && !wasStalled) {
    events.push({
      type: 'Warning' as const,
      reason: EVENT_REASONS.stalled,
      note: `${stall.reason}: ${stall.message}`,
    })
  }
  for (const event of events) {
    try {
      await deps.events.record(node as unknown as KubeObject, event)
    } catch (error) {
      log.warn({ err: error }, 'recording an Event failed')
    }
  }
}
