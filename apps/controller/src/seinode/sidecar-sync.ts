/**
 * One reconcile's conversation with a node's sidecar (through its kube-rbac-proxy): read `GET /v0/status`,
 * walk the plan the node needs (planFor) one step per task state — submit, or wait with `requeueAfter`,
 * never sleeping in the worker — record its completion, and re-issue `mark-ready` when a restarted
 * sidecar reports `Initializing` after this generation's init plan completed. Returns what the status
 * needs (SidecarReady, a failed task, node id, plan records) and when to come back.
 *
 * The walk is stateless: each reconcile GETs the plan's tasks by their deterministic ids, so a restarted
 * controller resumes where the sidecar is, and never resubmits finished work.
 */
import { SIDECAR_CLIENT } from '@sei-k8s/contract'
import type { Logger } from 'pino'
import type { SeiNode } from '../api/seinode.js'
import { type NodeRef, SidecarCallError, type SidecarClient } from '../sidecar/client.js'
import { decideStep, markReadyReissueId, nodeIdOf, type Plan, planFor, replayPlan } from '../sidecar/plan.js'

type ConditionStatus = 'True' | 'False' | 'Unknown'

export interface SidecarReadyView {
  readonly status: ConditionStatus
  readonly reason: string
  readonly message: string
}

interface PlanRecord {
  readonly initializedGeneration?: number
  readonly configuredGeneration: number
  readonly appliedOverridesHash: string
}

export interface SidecarObservation {
  readonly sidecarReady: SidecarReadyView
  /** A plan task failed: Ready=False with this reason (InitTaskFailed, ConfigTaskFailed) and message. */
  readonly taskFailure?: { readonly reason: string; readonly message: string }
  readonly nodeId?: string
  readonly record?: PlanRecord
  readonly requeueAfterMs?: number
  /** A plan's task is submitted or running (Reconciling=True). */
  readonly isPlanRunning?: boolean
}

export interface SidecarSyncDeps {
  readonly client: SidecarClient
  readonly pollPeriodMs: number
  readonly now: () => number
}

const FAILURE_REASON = {
  init: 'InitTaskFailed',
  replay: 'InitTaskFailed',
  reconfigure: 'ConfigTaskFailed',
} as const
/** Re-issued mark-ready ids tried per reconcile before giving up (one per sidecar restart). */
const MAX_MARK_READY_REISSUES = 64

function isInitialized(node: SeiNode): boolean {
  return node.status?.initializedGeneration !== undefined
}

/** SidecarReady for a call that failed: an RBAC refusal is False with the proxy's text, no answer Unknown. */
function readinessOfError(error: unknown): SidecarReadyView {
  if (error instanceof SidecarCallError) {
    if (error.kind === 'unauthorized')
      return { status: 'False', reason: 'Unauthorized', message: error.message }
    if (error.kind === 'forbidden') return { status: 'False', reason: 'Forbidden', message: error.message }
    const reason =
      error.kind === 'unreachable'
        ? 'Unreachable'
        : error.kind === 'timeout'
          ? 'Timeout'
          : error.kind === 'no_token'
            ? 'NoToken'
            : error.kind === 'bad_address'
              ? 'BadAddress'
              : 'SidecarError'
    return { status: 'Unknown', reason, message: error.message }
  }
  throw error
}

type Walk =
  | {
      readonly kind: 'pending'
      readonly step: string
      readonly nodeId?: string
      readonly isRetry: boolean
      readonly isJustSubmitted: boolean
    }
  | {
      readonly kind: 'failed'
      readonly message: string
      readonly retryInMs: number
      readonly nodeId?: string
    }
  | { readonly kind: 'complete'; readonly nodeId?: string }

export function createSidecarSync(deps: SidecarSyncDeps) {
  const { client } = deps
  const pollMs = deps.pollPeriodMs
  const taskPollMs = Math.min(SIDECAR_CLIENT.taskPollMs, pollMs)
  const submittedPollMs = Math.min(SIDECAR_CLIENT.submittedPollMs, pollMs)

  const walk = async (ref: NodeRef, plan: Plan, log: Logger): Promise<Walk> => {
    let nodeId: string | undefined
    for (const step of plan.steps) {
      const task = await client.getTask(ref, step.id)
      const decision = decideStep(task, deps.now())
      if (decision.kind === 'done') {
        nodeId = nodeIdOf(task?.result) ?? nodeId
        continue
      }
      const found = nodeId === undefined ? {} : { nodeId }
      if (decision.kind === 'submit') {
        await client.submit(ref, step)
        log.info(
          { taskId: step.id, type: step.type, plan: plan.kind, generation: plan.generation },
          'task submitted',
        )
        return { kind: 'pending', step: step.type, isRetry: false, isJustSubmitted: true, ...found }
      }
      if (decision.kind === 'wait') {
        const isRetry = (task?.run ?? 1) > 1
        return { kind: 'pending', step: step.type, isRetry, isJustSubmitted: false, ...found }
      }
      const message = `${step.type} (task ${step.id}, run ${task?.run ?? 1}) failed: ${decision.error}`
      if (decision.retryInMs <= 0) {
        await client.submit(ref, step)
        log.info({ taskId: step.id, type: step.type, run: (task?.run ?? 1) + 1 }, 'failed task resubmitted')
        return { kind: 'failed', message, retryInMs: taskPollMs, ...found }
      }
      return { kind: 'failed', message, retryInMs: decision.retryInMs, ...found }
    }
    return nodeId === undefined ? { kind: 'complete' } : { kind: 'complete', nodeId }
  }

  const reissueMarkReady = async (ref: NodeRef, node: SeiNode, log: Logger): Promise<void> => {
    for (let n = 1; n <= MAX_MARK_READY_REISSUES; n++) {
      const id = markReadyReissueId(node, n)
      const task = await client.getTask(ref, id)
      if (task?.status === 'running') return
      // Completed: an earlier incarnation of the sidecar was marked ready with it; try the next id.
      if (task !== undefined && task.status !== 'failed') continue
      await client.submit(ref, { id, type: 'mark-ready', params: {} })
      log.info({ taskId: id, n }, 'sidecar reports Initializing after init: mark-ready re-issued')
      return
    }
    log.warn({ tried: MAX_MARK_READY_REISSUES }, 'mark-ready re-issue ids exhausted')
  }

  /** Talks to the node's sidecar; never throws for a sidecar failure (it becomes the observation). */
  return async (node: SeiNode, log: Logger): Promise<SidecarObservation> => {
    const ref: NodeRef = { namespace: node.metadata.namespace ?? 'default', name: node.metadata.name }
    let failureSoFar: SidecarObservation['taskFailure']
    let nodeId: string | undefined
    let record: PlanRecord | undefined
    try {
      let status = await client.status(ref)
      const plan = planFor(node) ?? (status === 'Initializing' ? replayPlan(node) : undefined)
      if (plan !== undefined) {
        const walked = await walk(ref, plan, log)
        nodeId = walked.nodeId
        const reason = FAILURE_REASON[plan.kind]
        if (walked.kind === 'failed') {
          failureSoFar = { reason, message: walked.message }
          return {
            sidecarReady: notReady(
              status,
              `${plan.kind} plan of generation ${plan.generation} stopped at a failed task`,
            ),
            taskFailure: failureSoFar,
            ...(nodeId === undefined ? {} : { nodeId }),
            requeueAfterMs: Math.max(taskPollMs, walked.retryInMs),
          }
        }
        if (walked.kind === 'pending') {
          const previous = node.status?.conditions?.find((c) => c.type === 'Ready')
          const keep =
            walked.isRetry && previous?.reason === reason
              ? { taskFailure: { reason, message: previous.message } }
              : {}
          return {
            sidecarReady: notReady(
              status,
              `${plan.kind} plan of generation ${plan.generation}: ${walked.step} running`,
            ),
            ...keep,
            ...(nodeId === undefined ? {} : { nodeId }),
            requeueAfterMs: walked.isJustSubmitted ? submittedPollMs : taskPollMs,
            isPlanRunning: true,
          }
        }
        // A replay re-applies what is recorded: nothing new to record (but a fresh key's node id).
        record =
          plan.kind === 'replay'
            ? undefined
            : {
                ...(plan.kind === 'init' ? { initializedGeneration: plan.generation } : {}),
                configuredGeneration: plan.generation,
                appliedOverridesHash: plan.overridesHash,
              }
        log.info({ plan: plan.kind, generation: plan.generation }, 'plan complete')
        // The plan's own mark-ready may just have flipped it.
        status = await client.status(ref)
      }
      if (nodeId === undefined && node.status?.nodeId === undefined) nodeId = await client.nodeId(ref)
      const found = {
        ...(nodeId === undefined ? {} : { nodeId }),
        ...(record === undefined ? {} : { record }),
      }
      if (status === 'Ready') {
        return {
          sidecarReady: { status: 'True', reason: 'Ready', message: 'the sidecar reports Ready' },
          ...found,
          requeueAfterMs: pollMs,
        }
      }
      if (isInitialized(node) || record?.initializedGeneration !== undefined) {
        const initialized = record === undefined ? node : { ...node, status: { ...node.status, ...record } }
        await reissueMarkReady(ref, initialized, log)
      }
      return {
        sidecarReady: {
          status: 'False',
          reason: 'Initializing',
          message: 'the sidecar reports Initializing (restarted?): mark-ready re-issued',
        },
        ...found,
        requeueAfterMs: submittedPollMs,
      }
    } catch (error) {
      const view = readinessOfError(error)
      const isEarly = !isInitialized(node)
      return {
        sidecarReady: view,
        ...(failureSoFar === undefined ? {} : { taskFailure: failureSoFar }),
        ...(nodeId === undefined ? {} : { nodeId }),
        ...(record === undefined ? {} : { record }),
        requeueAfterMs: isEarly ? Math.min(pollMs, SIDECAR_CLIENT.unreachableInitPollMs) : pollMs,
      }
    }
  }
}

function notReady(status: 'Ready' | 'Initializing', message: string): SidecarReadyView {
  return status === 'Ready'
    ? { status: 'True', reason: 'Ready', message: `the sidecar reports Ready; ${message}` }
    : { status: 'False', reason: 'Initializing', message }
}

export type SidecarSync = ReturnType<typeof createSidecarSync>
