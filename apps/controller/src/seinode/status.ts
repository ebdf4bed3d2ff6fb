/**
 * The status of a SeiNode, computed by a PURE function from what reconcile saw: kstatus-compatible
 * conditions (`Ready`, `Reconciling`, `Stalled`, and `SidecarReady` from what the sidecar answered; without
 * an observation — stalled — the previous one is carried over), `observedGeneration`, `phase`, the node id
 * and the sidecar plan records. `Ready` needs the StatefulSet ready AND `SidecarReady=True`. `lastTransitionTime` changes only when a
 * condition's status changes, so recomputing an unchanged state yields an equal status and no write.
 */
import { ROLE_BLOCKS, roleBlockOf } from '@sei-k8s/contract'
import type { Phase, SeiNode, SeiNodeStatus } from '../api/seinode.js'
import type { SidecarObservation } from './sidecar-sync.js'

type Condition = NonNullable<SeiNodeStatus['conditions']>[number]

/** Why reconcile could not make progress: the API server's (or a guard's) reason and message. */
export interface Stall {
  readonly reason: string
  readonly message: string
}

export interface StatefulSetView {
  readonly metadata: { readonly name: string; readonly uid?: string }
  readonly spec?: { readonly replicas?: number }
  readonly status?: { readonly readyReplicas?: number }
}

export interface StatusInput {
  readonly node: SeiNode
  /** The StatefulSet as last applied or cached; undefined when it does not exist. */
  readonly statefulSet: StatefulSetView | undefined
  readonly stall: Stall | undefined
  /** RFC 3339 time used for conditions that change now. */
  readonly now: string
  /** What the sidecar answered this reconcile; undefined: not asked (carry the previous state over). */
  readonly sidecar?: SidecarObservation | undefined
}

const CONDITION_TYPES = {
  ready: 'Ready',
  reconciling: 'Reconciling',
  stalled: 'Stalled',
  sidecarReady: 'SidecarReady',
} as const

function isPaused(node: SeiNode): boolean {
  return node.spec.paused === true
}

/** The phase: Failed when stalled, Paused, Running once the pod is ready, Initializing, else Pending. */
function phaseOf(input: StatusInput): Phase {
  if (input.stall !== undefined) return 'Failed'
  if (isPaused(input.node)) return 'Paused'
  if ((input.statefulSet?.status?.readyReplicas ?? 0) >= 1) return 'Running'
  return input.statefulSet === undefined ? 'Pending' : 'Initializing'
}

type Draft = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>

function drafts(input: StatusInput, phase: Phase): Draft[] {
  const { stall } = input
  const sidecarReady = sidecarDraft(input)
  const isPodReady = phase === 'Running'
  const failure = input.sidecar?.taskFailure
  const ready: Draft =
    phase === 'Paused'
      ? {
          type: CONDITION_TYPES.ready,
          status: 'False',
          reason: 'Paused',
          message: 'spec.paused is true: the StatefulSet is scaled to 0 replicas',
        }
      : stall !== undefined
        ? { type: CONDITION_TYPES.ready, status: 'False', reason: 'Stalled', message: stall.message }
        : failure !== undefined
          ? { type: CONDITION_TYPES.ready, status: 'False', reason: failure.reason, message: failure.message }
          : !isPodReady
            ? {
                type: CONDITION_TYPES.ready,
                status: 'False',
                reason: 'StatefulSetNotReady',
                message: `${input.statefulSet?.status?.readyReplicas ?? 0} of 1 pods ready`,
              }
            : sidecarReady?.status === 'True'
              ? {
                  type: CONDITION_TYPES.ready,
                  status: 'True',
                  reason: 'Ready',
                  message: 'the node pod is ready and its sidecar reports Ready',
                }
              : {
                  type: CONDITION_TYPES.ready,
                  status: 'False',
                  reason: 'SidecarNotReady',
                  message: `the node pod is ready; SidecarReady is ${sidecarReady?.status ?? 'unknown'}${sidecarReady === undefined ? '' : ` (${sidecarReady.reason}: ${sidecarReady.message})`}`,
                }
  const isPlanRunning = input.sidecar?.isPlanRunning === true
  const isProgressing =
    stall === undefined && (phase === 'Pending' || phase === 'Initializing' || isPlanRunning)
  const reconciling: Draft = isProgressing
    ? {
        type: CONDITION_TYPES.reconciling,
        status: 'True',
        reason: 'Progressing',
        message:
          phase === 'Pending' || phase === 'Initializing'
            ? 'waiting for the node pod to become ready'
            : `sidecar plan running: ${input.sidecar?.sidecarReady.message ?? ''}`,
      }
    : { type: CONDITION_TYPES.reconciling, status: 'False', reason: 'Reconciled', message: '' }
  const stalled: Draft =
    stall === undefined
      ? { type: CONDITION_TYPES.stalled, status: 'False', reason: 'Reconciled', message: '' }
      : { type: CONDITION_TYPES.stalled, status: 'True', reason: stall.reason, message: stall.message }
  // Not asked this time: the previous SidecarReady stays exactly as it was (among the others).
  const observed =
    input.sidecar?.sidecarReady === undefined || sidecarReady === undefined ? [] : [sidecarReady]
  return [ready, reconciling, stalled, ...observed]
}

/** SidecarReady from this reconcile's observation, else the previous one (undefined when there is none). */
function sidecarDraft(input: StatusInput): Draft | undefined {
  const observed = input.sidecar?.sidecarReady
  if (observed !== undefined) return { type: CONDITION_TYPES.sidecarReady, ...observed }
  const previous = input.node.status?.conditions?.find((c) => c.type === CONDITION_TYPES.sidecarReady)
  if (previous === undefined) return undefined
  return { type: previous.type, status: previous.status, reason: previous.reason, message: previous.message }
}

/** Computes the status; conditions of types it does not own are kept as they were. */
export function computeStatus(input: StatusInput): SeiNodeStatus {
  const phase = phaseOf(input)
  const generation = input.node.metadata.generation ?? 0
  const previous = input.node.status?.conditions ?? []
  const ours = drafts(input, phase).map((draft): Condition => {
    const old = previous.find((c) => c.type === draft.type)
    const lastTransitionTime =
      old !== undefined && old.status === draft.status ? old.lastTransitionTime : input.now
    return { ...draft, observedGeneration: generation, lastTransitionTime }
  })
  const others = previous.filter((c) => !ours.some((o) => o.type === c.type))
  const sts = input.statefulSet
  return {
    phase,
    role: ROLE_BLOCKS[roleBlockOf(input.node.spec)],
    observedGeneration: generation,
    conditions: [...ours, ...others],
    ...(sts?.metadata.uid === undefined
      ? {}
      : { statefulSet: { name: sts.metadata.name, uid: sts.metadata.uid } }),
    currentImage: input.node.spec.image,
    ...(input.node.status?.currentSidecarImage === undefined
      ? {}
      : { currentSidecarImage: input.node.status.currentSidecarImage }),
    ...sidecarRecords(input),
  }
}

/** Node id and plan records: this reconcile's findings over the previous status. */
function sidecarRecords(input: StatusInput): Partial<SeiNodeStatus> {
  const previous = input.node.status ?? {}
  const merged = {
    nodeId: input.sidecar?.nodeId ?? previous.nodeId,
    initializedGeneration: input.sidecar?.record?.initializedGeneration ?? previous.initializedGeneration,
    configuredGeneration: input.sidecar?.record?.configuredGeneration ?? previous.configuredGeneration,
    appliedOverridesHash: input.sidecar?.record?.appliedOverridesHash ?? previous.appliedOverridesHash,
  }
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined))
}

/** Deep equality of two statuses (key order ignored): a status patch is sent only when this is false. */
export function isSameStatus(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

/** JSON with sorted keys: equal values give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  )
}
