/**
 * PURE: which plan a SeiNode needs now, its steps, and what to do about one task as the sidecar reports it.
 *
 * - `init` (until `status.initializedGeneration` is set): generate-identity → config-patch (spec.overrides;
 *   left out when there are none) → config-validate → mark-ready.
 * - `reconfigure` (initialised, and the overrides' hash differs from `status.appliedOverridesHash`):
 *   config-patch → config-validate → restart-seid. Keyed by the overrides, not the generation, so an image
 *   change or a resync restarts nothing.
 * Task ids derive from (uid, generation, type, index): a plan re-walked after a controller restart
 * resubmits the same ids.
 */
import { SIDECAR_CLIENT, SIDECAR_TASK_TYPES, type SidecarTaskType } from '@sei-k8s/contract'
import type { SeiNode } from '../api/seinode.js'
import { overridesHash, overridesPatch } from './overrides.js'
import { taskId } from './task-id.js'

/** `replay`: the init plan of `status.initializedGeneration` again (see replayPlan). */
type PlanKind = 'init' | 'reconfigure' | 'replay'

interface PlanStep {
  readonly id: string
  readonly type: SidecarTaskType
  readonly params: Readonly<Record<string, unknown>>
}

export interface Plan {
  readonly kind: PlanKind
  readonly generation: number
  readonly overridesHash: string
  readonly steps: readonly PlanStep[]
}

type StepList = readonly (readonly [SidecarTaskType, Record<string, unknown>])[]

function stepsOf(node: SeiNode, generation: number, list: StepList): PlanStep[] {
  const uid = node.metadata.uid ?? ''
  return list.map(([type, params], index) => ({ id: taskId(uid, generation, type, index), type, params }))
}

/** The config-patch step of the overrides, or none: the sidecar refuses a patch of no files (400). */
function patchSteps(node: SeiNode): StepList {
  const patch = overridesPatch(node.spec.overrides)
  return Object.keys(patch.files).length === 0 ? [] : [[SIDECAR_TASK_TYPES.configPatch, patch]]
}

function initSteps(node: SeiNode, generation: number): PlanStep[] {
  const T = SIDECAR_TASK_TYPES
  return stepsOf(node, generation, [
    [T.generateIdentity, { chainId: node.spec.chainId, moniker: node.metadata.name }],
    ...patchSteps(node),
    [T.configValidate, {}],
    [T.markReady, {}],
  ])
}

/** The plan the node needs, or undefined when its sidecar is configured as its spec says. */
export function planFor(node: SeiNode): Plan | undefined {
  const generation = node.metadata.generation ?? 0
  const hash = overridesHash(node.spec.overrides)
  if (node.status?.initializedGeneration === undefined) {
    return { kind: 'init', generation, overridesHash: hash, steps: initSteps(node, generation) }
  }
  if (node.status.appliedOverridesHash === hash) return undefined
  const T = SIDECAR_TASK_TYPES
  return {
    kind: 'reconfigure',
    generation,
    overridesHash: hash,
    steps: stepsOf(node, generation, [...patchSteps(node), [T.configValidate, {}], [T.restartSeid, {}]]),
  }
}

/**
 * For an initialised node whose sidecar reports Initializing: the init plan's ids of
 * `status.initializedGeneration` with the current (applied) overrides. On the sidecar's kept task store
 * every step is completed (four GETs, nothing runs); on a fresh volume (a replaced PVC: no node key, no
 * tasks) they are unknown, so the node is initialised again instead of only being marked ready.
 */
export function replayPlan(node: SeiNode): Plan | undefined {
  const generation = node.status?.initializedGeneration
  if (generation === undefined) return undefined
  return {
    kind: 'replay',
    generation,
    overridesHash: overridesHash(node.spec.overrides),
    steps: initSteps(node, generation),
  }
}

/**
 * Id of the n-th re-issued `mark-ready` (n ≥ 1) of the plan generation: a restarted sidecar forgets its
 * readiness but keeps its task store, where the plan's own mark-ready id is already completed.
 */
export function markReadyReissueId(node: SeiNode, n: number): string {
  const generation = node.status?.initializedGeneration ?? node.metadata.generation ?? 0
  return taskId(node.metadata.uid ?? '', generation, SIDECAR_TASK_TYPES.markReady, 100 + n)
}

/** A task as GET `TASK_API_PATHS.task` reports it (the fields the controller reads). */
export interface TaskView {
  readonly id: string
  readonly type: string
  readonly status: 'running' | 'completed' | 'failed'
  readonly run: number
  readonly result?: unknown
  readonly error?: string
  readonly completedAt?: string
}

/** Delay before a task that failed on its `run`-th attempt is resubmitted. */
export function retryDelayMs(run: number): number {
  const { baseMs, maxMs } = SIDECAR_CLIENT.taskRetry
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(run - 1, 30)))
}

export type StepDecision =
  | { readonly kind: 'submit' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly error: string; readonly retryInMs: number }

/** What to do with one step given its task (undefined: the sidecar does not know the id). */
export function decideStep(task: TaskView | undefined, nowMs: number): StepDecision {
  if (task === undefined) return { kind: 'submit' }
  if (task.status === 'running') return { kind: 'wait' }
  if (task.status === 'completed') return { kind: 'done' }
  const failedAt = Date.parse(task.completedAt ?? '')
  const dueAt = (Number.isNaN(failedAt) ? nowMs : failedAt) + retryDelayMs(task.run)
  return { kind: 'failed', error: task.error ?? 'failed without an error message', retryInMs: dueAt - nowMs }
}

/** The node id a completed generate-identity reports, if its result has one. */
export function nodeIdOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined
  const id = (result as { nodeId?: unknown }).nodeId
  return typeof id === 'string' && id !== '' ? id : undefined
}
