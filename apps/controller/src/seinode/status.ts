/**
 * The status of a SeiNode, computed by a PURE function from what reconcile saw: kstatus-compatible
 * conditions (`Ready`, `Reconciling`, `Stalled`; `SidecarReady` is left to the sidecar client, part 3,
 * and is carried over untouched), `observedGeneration`, `phase`. `lastTransitionTime` changes only when a
 * condition's status changes, so recomputing an unchanged state yields an equal status and no write.
 */
import { ROLE_BLOCKS, roleBlockOf } from '@sei-k8s/contract'
import type { Phase, SeiNode, SeiNodeStatus } from '../api/seinode.js'

export type Condition = NonNullable<SeiNodeStatus['conditions']>[number]

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
}

export const CONDITION_TYPES = { ready: 'Ready', reconciling: 'Reconciling', stalled: 'Stalled' } as const

function isPaused(node: SeiNode): boolean {
  return node.spec.paused === true
}

/** The phase: Failed when stalled, Paused, Running once the pod is ready, Initializing, else Pending. */
export function phaseOf(input: StatusInput): Phase {
  if (input.stall !== undefined) return 'Failed'
  if (isPaused(input.node)) return 'Paused'
  if ((input.statefulSet?.status?.readyReplicas ?? 0) >= 1) return 'Running'
  return input.statefulSet === undefined ? 'Pending' : 'Initializing'
}

type Draft = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>

function drafts(input: StatusInput, phase: Phase): Draft[] {
  const { stall } = input
  const ready: Draft =
    phase === 'Running'
      ? {
          type: CONDITION_TYPES.ready,
          status: 'True',
          reason: 'StatefulSetReady',
          message: 'the node pod is ready',
        }
      : phase === 'Paused'
        ? {
            type: CONDITION_TYPES.ready,
            status: 'False',
            reason: 'Paused',
            message: 'spec.paused is true: the StatefulSet is scaled to 0 replicas',
          }
        : stall !== undefined
          ? { type: CONDITION_TYPES.ready, status: 'False', reason: 'Stalled', message: stall.message }
          : {
              type: CONDITION_TYPES.ready,
              status: 'False',
              reason: 'StatefulSetNotReady',
              message: `${input.statefulSet?.status?.readyReplicas ?? 0} of 1 pods ready`,
            }
  const isProgressing = stall === undefined && (phase === 'Pending' || phase === 'Initializing')
  const reconciling: Draft = isProgressing
    ? {
        type: CONDITION_TYPES.reconciling,
        status: 'True',
        reason: 'Progressing',
        message: 'waiting for the node pod to become ready',
      }
    : { type: CONDITION_TYPES.reconciling, status: 'False', reason: 'Reconciled', message: '' }
  const stalled: Draft =
    stall === undefined
      ? { type: CONDITION_TYPES.stalled, status: 'False', reason: 'Reconciled', message: '' }
      : { type: CONDITION_TYPES.stalled, status: 'True', reason: stall.reason, message: stall.message }
  return [ready, reconciling, stalled]
}

/** Computes the status; conditions of other types (SidecarReady) are kept as they were. */
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
  }
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
