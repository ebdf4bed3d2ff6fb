/**
 * The task engine: validates submissions, persists them before acknowledging, runs handlers in the
 * background and records their outcome. It never throws out of a run: a throwing handler marks its task
 * failed. Store failures surface to callers as `STORE_FAILED` (a 5xx), never as "not found" or `[]`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { SidecarError, toError } from '../errors.js'
import type { TaskStore } from '../store/store.js'
import { createCommitBatcher } from './commit-batcher.js'
import type { TaskContext, TaskRegistry } from './registry.js'
import {
  completeTask,
  decideSubmission,
  failTask,
  type Submission,
  type TaskRecord,
  type TaskResult,
  toTaskResult,
} from './state.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** `GET TASK_API_PATHS.tasks` returns at most this many, newest first (as the Go sidecar). */
export const LIST_LIMIT = 100

export interface TaskMetricsSink {
  submitted(type: string): void
  finished(type: string, status: 'completed' | 'failed', seconds: number): void
}

export interface EngineDeps {
  readonly store: TaskStore
  readonly registry: TaskRegistry
  readonly metrics: TaskMetricsSink
  readonly log: Logger
  readonly context: Omit<TaskContext, 'taskId' | 'signal' | 'log' | 'sleep'>
  readonly now?: () => Date
  readonly newId?: () => string
}

export interface Engine {
  /** Validates and durably records a submission; resolves once it is committed (safe to answer 201). */
  submit(body: unknown): Promise<{ readonly id: string }>
  get(id: string): TaskResult
  list(): TaskResult[]
  /** Aborts a running task (its run writes nothing) and deletes it, durably. */
  remove(id: string): Promise<void>
  /** Resumes every task left `running` by a previous process, with the same run number. */
  rehydrate(): number
  /**
   * Aborts running handlers without recording anything (they stay `running` for the next start), waits
   * up to `timeoutMs` for them to return, then flushes pending writes.
   */
  stop(options?: { readonly timeoutMs?: number }): Promise<void>
  readonly runningCount: number
}

interface ActiveRun {
  readonly controller: AbortController
  readonly done: Promise<void>
}

function storeCall<T>(action: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    throw new SidecarError('STORE_FAILED', action, { cause: error })
  }
}

/** Checks the shape of a submission body; throws a coded 400 naming the field. */
export function parseSubmission(body: unknown, registry: TaskRegistry, newId: () => string): Submission {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SidecarError('INVALID_TASK', 'body must be a JSON object {"type", "id"?, "params"?}')
  }
  const { id, type, params } = body as Record<string, unknown>
  if (type === undefined || type === null || type === '')
    throw new SidecarError('INVALID_TASK', 'type is required')
  if (typeof type !== 'string')
    throw new SidecarError('INVALID_TASK', `type must be a string, got ${typeof type}`)
  if (!registry.get(type)) {
    const shown = type.length > 64 ? `${type.slice(0, 64)}…` : type
    throw new SidecarError(
      'UNKNOWN_TASK_TYPE',
      `${JSON.stringify(shown)}; known types: ${registry.types.join(', ')}`,
    )
  }
  if (id !== undefined && (typeof id !== 'string' || !UUID.test(id))) {
    const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 64)) : typeof id
    throw new SidecarError('INVALID_TASK_ID', `id: got ${shown}`)
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new SidecarError('INVALID_PARAMS', 'params must be a JSON object')
  }
  const problem = registry.checkParams(type, params)
  if (problem) throw new SidecarError('INVALID_PARAMS', problem)
  const submission = { id: (typeof id === 'string' ? id : newId()).toLowerCase(), type }
  return params === undefined ? submission : { ...submission, params }
}

export function createEngine(deps: EngineDeps): Engine {
  const now = deps.now ?? (() => new Date())
  const newId = deps.newId ?? (() => crypto.randomUUID())
  const active = new Map<string, ActiveRun>()
  const batcher = createCommitBatcher(deps.store)
  let isStopped = false

  /** Runs `write` in the current group-commit batch; any store error becomes STORE_FAILED. */
  async function durably<T>(action: string, write: () => T): Promise<T> {
    try {
      return await batcher.run(write)
    } catch (error) {
      if (error instanceof SidecarError) throw error
      throw new SidecarError('STORE_FAILED', action, { cause: error })
    }
  }

  function record(task: TaskRecord, entry: ActiveRun): void {
    // A cancelled or superseded run writes nothing.
    if (active.get(task.id) !== entry || isStopped) return
    active.delete(task.id)
    durably('recording task outcome', () => deps.store.update(task)).catch((error: unknown) => {
      // The task stays `running` in the store and is resumed on the next start.
      deps.log.error({ taskId: task.id, err: error }, 'recording task outcome failed')
    })
  }

  function start(task: TaskRecord): void {
    const definition = deps.registry.get(task.type)
    const controller = new AbortController()
    const log = deps.log.child({ taskId: task.id, taskType: task.type, run: task.run })
    const context: TaskContext = {
      ...deps.context,
      taskId: task.id,
      signal: controller.signal,
      log,
      sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    }
    const startedAt = performance.now()
    const entry: { controller: AbortController; done: Promise<void> } = {
      controller,
      done: Promise.resolve(),
    }
    active.set(task.id, entry)
    entry.done = (async () => {
      if (!definition) throw new Error(`task type ${task.type} is not known to this sidecar version`)
      const problem = deps.registry.checkParams(task.type, task.params)
      if (problem) throw new Error(problem)
      // Params were checked against this schema just above.
      return definition.run(task.params ?? {}, context)
    })().then(
      (result) => {
        if (controller.signal.aborted) return
        deps.metrics.finished(task.type, 'completed', (performance.now() - startedAt) / 1000)
        log.info('task completed')
        record(completeTask(task, result, now().toISOString()), entry)
      },
      (thrown: unknown) => {
        if (controller.signal.aborted) return
        const error = toError(thrown)
        deps.metrics.finished(task.type, 'failed', (performance.now() - startedAt) / 1000)
        log.warn({ err: error }, 'task failed')
        record(failTask(task, error.message, now().toISOString()), entry)
      },
    )
  }

  return {
    async submit(body) {
      if (isStopped) throw new SidecarError('SHUTTING_DOWN')
      const submission = parseSubmission(body, deps.registry, newId)
      // Read and write in one batch: a duplicate id in the same burst sees the pending row.
      const decision = await durably('recording task', () => {
        const existing = deps.store.get(submission.id)
        const decided = decideSubmission(existing, submission, now().toISOString())
        if (decided.kind === 'create') deps.store.insert(decided.task)
        if (decided.kind === 'rerun') deps.store.update(decided.task)
        return decided
      })
      switch (decision.kind) {
        case 'conflict':
          throw new SidecarError('TASK_ID_CONFLICT', `${submission.id} is a ${decision.existing.type} task`)
        case 'unchanged':
          return { id: decision.task.id }
        case 'create':
        case 'rerun':
          deps.metrics.submitted(decision.task.type)
          // Only after COMMIT: a handler never runs for a task that is not on disk.
          start(decision.task)
          return { id: decision.task.id }
      }
    },
    get(id) {
      const task = storeCall('reading task', () => deps.store.get(id.toLowerCase()))
      if (!task) throw new SidecarError('TASK_NOT_FOUND')
      return toTaskResult(task)
    },
    list() {
      return storeCall('listing tasks', () => deps.store.listNewest(LIST_LIMIT)).map(toTaskResult)
    },
    async remove(id) {
      const key = id.toLowerCase()
      const run = active.get(key)
      if (run) {
        active.delete(key)
        run.controller.abort(new Error('task cancelled'))
      }
      const deleted = await durably('deleting task', () => deps.store.delete(key))
      if (!deleted) throw new SidecarError('TASK_NOT_FOUND')
    },
    rehydrate() {
      const running = storeCall('listing running tasks', () => deps.store.listByStatus('running'))
      for (const task of running) {
        deps.log.info({ taskId: task.id, taskType: task.type, run: task.run }, 'resuming interrupted task')
        start(task)
      }
      return running.length
    },
    async stop(options = {}) {
      isStopped = true
      const runs = [...active.values()]
      for (const run of runs) run.controller.abort(new Error('sidecar shutting down'))
      // A handler that ignores its signal is abandoned after the timeout; it can no longer write.
      const timeout = sleep(options.timeoutMs ?? 5000, undefined, { ref: false }).then(() => {
        if (active.size > 0) deps.log.warn({ abandoned: active.size }, 'handlers did not stop in time')
      })
      await Promise.race([Promise.allSettled(runs.map((run) => run.done)), timeout])
      active.clear()
      // Outcomes queued before the stop still reach the disk before the store closes.
      await batcher.flushed().catch(() => undefined)
    },
    get runningCount() {
      return active.size
    },
  }
}
