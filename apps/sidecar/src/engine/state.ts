/**
 * Task records and their transitions. Pure: callers pass the clock's `now` (RFC 3339 UTC) in.
 *
 *   (none) ──submit──▶ running ──handler ok──▶ completed
 *                         │  ▲
 *                 handler │  └──resubmit (run + 1)── failed
 *                  throws ▼                             ▲
 *                       failed ─────────────────────────┘
 */
import type { TaskStatus } from '@sei-k8s/contract'

export type { TaskStatus }

export interface TaskRecord {
  readonly id: string
  readonly type: string
  readonly status: TaskStatus
  /** 1 on first submission; +1 each time a failed task is resubmitted. Unchanged across restarts. */
  readonly run: number
  readonly params?: unknown
  readonly result?: unknown
  readonly error?: string | undefined
  readonly submittedAt: string
  readonly completedAt?: string | undefined
  /** When the handler first started (a `running` task without it is queued). Not on the wire. */
  readonly startedAt?: string | undefined
  /** Absolute deadline, fixed at first start and kept across restarts. Not on the wire. */
  readonly deadlineAt?: string | undefined
}

export interface Submission {
  readonly id: string
  readonly type: string
  readonly params?: unknown
}

/** What to do with a submission given the stored task with the same id (if any). */
export type SubmissionDecision =
  | { readonly kind: 'create'; readonly task: TaskRecord }
  | { readonly kind: 'rerun'; readonly task: TaskRecord }
  | { readonly kind: 'unchanged'; readonly task: TaskRecord }
  | { readonly kind: 'conflict'; readonly existing: TaskRecord }

/**
 * Idempotent submission (design §4.3): a new id creates run 1 (queued: no startedAt yet); a running or completed id is left as it
 * is; a failed id re-runs with `run + 1` and the newly submitted params. The same id with another type
 * is a client bug (ids are derived from the task), reported as a conflict rather than silently ignored.
 */
export function decideSubmission(
  existing: TaskRecord | undefined,
  submission: Submission,
  now: string,
): SubmissionDecision {
  if (existing === undefined) {
    return {
      kind: 'create',
      task: { ...withParams(submission), status: 'running', run: 1, submittedAt: now },
    }
  }
  if (existing.type !== submission.type) return { kind: 'conflict', existing }
  if (existing.status !== 'failed') return { kind: 'unchanged', task: existing }
  return {
    kind: 'rerun',
    task: { ...withParams(submission), status: 'running', run: existing.run + 1, submittedAt: now },
  }
}

function withParams(submission: Submission): Pick<TaskRecord, 'id' | 'type' | 'params'> {
  return submission.params === undefined
    ? { id: submission.id, type: submission.type }
    : { id: submission.id, type: submission.type, params: submission.params }
}

/** The task after its handler returned `result`. */
export function completeTask(task: TaskRecord, result: unknown, now: string): TaskRecord {
  const { error: _error, ...rest } = task
  return result === undefined
    ? { ...rest, status: 'completed', completedAt: now }
    : { ...rest, status: 'completed', result, completedAt: now }
}

/** The task after its handler threw `message`. */
export function failTask(task: TaskRecord, message: string, now: string): TaskRecord {
  const { result: _result, ...rest } = task
  return { ...rest, status: 'failed', error: message, completedAt: now }
}

/**
 * Wire shape of a task (`TaskResult` of the Go sidecar): the record's fields, with absent ones omitted
 * rather than present as undefined (or null).
 */
export type TaskResult = Omit<
  { readonly [K in keyof TaskRecord]: Exclude<TaskRecord[K], undefined> },
  'startedAt' | 'deadlineAt'
>

export function toTaskResult(task: TaskRecord): TaskResult {
  type Mutable = { -readonly [K in keyof TaskResult]: TaskResult[K] }
  const out: Mutable = { id: task.id, type: task.type, status: task.status, run: task.run, submittedAt: '' }
  if (task.params !== undefined) out.params = task.params
  if (task.result !== undefined) out.result = task.result
  if (task.error !== undefined) out.error = task.error
  // Rebuilt in wire order: submittedAt after the optional payload fields, as the Go sidecar encodes it.
  const { submittedAt: _placeholder, ...head } = out
  return task.completedAt === undefined
    ? { ...head, submittedAt: task.submittedAt }
    : { ...head, submittedAt: task.submittedAt, completedAt: task.completedAt }
}
