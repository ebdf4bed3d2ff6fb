/**
 * Admitting a submission, inside one group-commit write: decide against the stored task (state.ts),
 * then either start it at once (a free slot and nothing of its group queued before it), queue it, or
 * refuse it because the queue is full. The slot or queue place is taken here, synchronously, so the
 * next write of the same batch sees it; `undo` gives it back when the batch does not commit.
 */
import type { TaskStore } from '../store/store.js'
import type { Slots, TaskLimits } from './slots.js'
import { decideSubmission, type Submission, type SubmissionDecision, type TaskRecord } from './state.js'

export type Admission =
  | Exclude<SubmissionDecision, { kind: 'create' | 'rerun' }>
  | { readonly kind: 'full' }
  | { readonly kind: 'create' | 'rerun'; readonly task: TaskRecord; readonly isStarted: boolean }

export interface AdmissionContext {
  readonly store: TaskStore
  readonly slots: Slots
  readonly limits: TaskLimits
  readonly now: () => Date
  /** Absolute deadline of `task` if it starts at `startedMs` (undefined: none). */
  readonly deadlineOf: (task: TaskRecord, startedMs: number) => string | undefined
}

/** Runs inside the batch's write; throws only what the store throws. */
export function admit(ctx: AdmissionContext, submission: Submission): Admission {
  const decided = decideSubmission(ctx.store.get(submission.id), submission, ctx.now().toISOString())
  if (decided.kind !== 'create' && decided.kind !== 'rerun') return decided
  const isStarted = ctx.slots.canStartNow(decided.task.type)
  if (!isStarted && ctx.slots.queued >= ctx.limits.maxQueued) return { kind: 'full' }
  let task = decided.task
  if (isStarted) {
    const startedMs = ctx.now().getTime()
    task = {
      ...task,
      startedAt: new Date(startedMs).toISOString(),
      deadlineAt: ctx.deadlineOf(task, startedMs),
    }
  }
  if (decided.kind === 'create') ctx.store.insert(task)
  else ctx.store.requeue(task)
  if (isStarted) ctx.slots.take(task.type)
  else ctx.slots.addQueued(task.type, 1)
  return { kind: decided.kind, task, isStarted }
}

/** Gives back the slot or queue place an admission took, when its batch failed to commit. */
export function undoAdmission(slots: Slots, admission: Admission | undefined): void {
  if (admission?.kind !== 'create' && admission?.kind !== 'rerun') return
  if (admission.isStarted) slots.release(admission.task.type)
  else slots.addQueued(admission.task.type, -1)
}
