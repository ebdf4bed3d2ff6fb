/**
 * The task engine: validates submissions, persists them before acknowledging, runs handlers in the
 * background within bounded concurrency and records their outcome. It never throws out of a run: a
 * throwing handler marks its task failed. Store failures surface to callers as `STORE_FAILED` (500) or
 * `STORE_BUSY` (503 + Retry-After), never as "not found" or `[]`.
 *
 * Bounded resources (design §4.4): at most `maxRunning` handlers (and `maxRunningPerType` per type, one
 * per lane) run at once; the rest wait in the store's durable queue, in submission order, and start as
 * slots free up; beyond `maxQueued` waiting tasks a submission gets 429. Memory holds only the running
 * tasks, never the queue. A lane's slot is released only once its task's outcome is committed, so after
 * a crash at most one task per lane is resumed, and lane order survives restarts.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { SIDECAR_LIMITS } from '@sei-k8s/contract'
import type { Logger } from 'pino'
import { SidecarError, toError } from '../errors.js'
import type { SubmitTaskBody } from '../server/schemas.js'
import { isBusyError, type TaskStore } from '../store/store.js'
import { type Admission, admit, undoAdmission } from './admission.js'
import { createCommitBatcher } from './commit-batcher.js'
import type { ParamsLimits } from './params-limits.js'
import type { TaskContext, TaskRegistry } from './registry.js'
import { createSlots, type TaskLimits } from './slots.js'
import { completeTask, failTask, type TaskRecord, type TaskResult, toTaskResult } from './state.js'
import { storeCall, storeError } from './store-errors.js'
import { parseSubmission } from './submission.js'

/** `GET TASK_API_PATHS.tasks` returns at most this many, newest first (as the Go sidecar). */
const LIST_LIMIT = 100
const OUTCOME_RETRY_MS = 1000

export interface TaskMetricsSink {
  submitted(type: string): void
  finished(type: string, status: 'completed' | 'failed', seconds: number): void
}

export interface EngineDeps {
  readonly store: TaskStore
  readonly registry: TaskRegistry
  readonly metrics: TaskMetricsSink
  readonly log: Logger
  readonly context: Omit<TaskContext, 'taskId' | 'signal' | 'log' | 'sleep' | 'deadlineMs'>
  readonly now?: () => Date
  readonly newId?: () => string
  readonly limits?: TaskLimits
  readonly paramsLimits?: ParamsLimits
}

export interface Engine {
  /** Validates and durably records a submission; resolves once it is committed (safe to answer 201). */
  submit(body: SubmitTaskBody): Promise<{ readonly id: string }>
  get(id: string): TaskResult
  list(): TaskResult[]
  /** Aborts a running task (its run writes nothing) or drops a queued one, and deletes it, durably. */
  remove(id: string): Promise<void>
  /** Resumes tasks a previous process had started (same run, same deadline), then starts queued ones. */
  rehydrate(): number
  /**
   * Aborts running handlers without recording anything (they stay `running` for the next start), waits
   * up to `timeoutMs` for them to return, then flushes pending writes.
   */
  stop(options?: { readonly timeoutMs?: number }): Promise<void>
  readonly runningCount: number
  readonly queuedCount: number
}

interface ActiveRun {
  readonly controller: AbortController
  done: Promise<void>
  /** The slot was given back already (a lane-less task frees it when its handler returns). */
  isSlotFree?: boolean
}

export function createEngine(deps: EngineDeps): Engine {
  const now = deps.now ?? (() => new Date())
  const newId = deps.newId ?? (() => crypto.randomUUID())
  const limits = deps.limits ?? SIDECAR_LIMITS.tasks
  const slots = createSlots(deps.registry, limits)
  const active = new Map<string, ActiveRun>()
  const batcher = createCommitBatcher(deps.store, { isBusy: isBusyError })
  let isStopped = false
  let isPumpScheduled = false

  /** Runs `write` in the current group-commit batch; store errors become STORE_FAILED / STORE_BUSY. */
  async function durably<T>(action: string, write: () => T): Promise<T> {
    try {
      return await batcher.run(write)
    } catch (error) {
      throw storeError(action, error)
    }
  }

  function deadlineOf(task: TaskRecord, startedMs: number): string | undefined {
    const seconds = deps.registry.get(task.type)?.timeoutSeconds?.(task.params ?? {})
    return seconds === undefined ? undefined : new Date(startedMs + seconds * 1000).toISOString()
  }

  /** Records the outcome, retrying while the store is busy; frees the slot once it is on disk. */
  function record(task: TaskRecord, entry: ActiveRun): void {
    // A cancelled or superseded run writes nothing.
    if (active.get(task.id) !== entry || isStopped) return
    // Only a lane needs its slot held until the outcome is on disk (see the module comment); other
    // types free it now, so instant tasks are not throttled by the commit cadence.
    if (deps.registry.get(task.type)?.lane === undefined) releaseSlot(task, entry)
    const attempt = (n: number): void => {
      durably('recording task outcome', () => deps.store.update(task)).then(
        () => {
          if (active.get(task.id) === entry) finish(task)
        },
        (error: unknown) => {
          if (isStopped || active.get(task.id) !== entry) return
          deps.log.error(
            { taskId: task.id, err: error, attempt: n },
            'recording task outcome failed; retrying',
          )
          setTimeout(() => attempt(n + 1), OUTCOME_RETRY_MS).unref()
        },
      )
    }
    attempt(1)
  }

  function releaseSlot(task: TaskRecord, entry: ActiveRun): void {
    if (entry.isSlotFree) return
    entry.isSlotFree = true
    slots.release(task.type)
    schedulePump()
  }

  function finish(task: TaskRecord): void {
    const entry = active.get(task.id)
    active.delete(task.id)
    if (entry) releaseSlot(task, entry)
  }

  /** Runs the handler of a task whose slot is taken. */
  function run(task: TaskRecord): void {
    const definition = deps.registry.get(task.type)
    const controller = new AbortController()
    const log = deps.log.child({ taskId: task.id, taskType: task.type, run: task.run })
    const context: TaskContext = {
      ...deps.context,
      taskId: task.id,
      signal: controller.signal,
      log,
      sleep: (ms, signal) => sleep(ms, undefined, { signal }),
      deadlineMs: task.deadlineAt === undefined ? undefined : Date.parse(task.deadlineAt),
    }
    const startedAt = performance.now()
    const entry: ActiveRun = { controller, done: Promise.resolve() }
    active.set(task.id, entry)
    entry.done = (async () => {
      if (!definition) throw new Error(`task type ${task.type} is not known to this sidecar version`)
      const problem = deps.registry.checkParams(task.type, task.params)
      if (problem) throw new Error(problem)
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

  function schedulePump(): void {
    if (isPumpScheduled || isStopped || slots.queued === 0) return
    isPumpScheduled = true
    setImmediate(pump)
  }

  /** Starts queued tasks, oldest first within each group, while slots are free. */
  function pump(): void {
    isPumpScheduled = false
    if (isStopped) return
    try {
      for (const types of slots.startableTypes()) {
        for (const queued of deps.store.nextQueued(types, limits.maxRunning)) {
          if (active.has(queued.id)) continue
          if (!slots.hasFreeSlot(queued.type)) break
          const startedMs = now().getTime()
          const task = {
            ...queued,
            startedAt: new Date(startedMs).toISOString(),
            deadlineAt: deadlineOf(queued, startedMs),
          }
          slots.take(task.type)
          slots.addQueued(task.type, -1)
          durably('starting task', () =>
            deps.store.markStarted(task.id, task.startedAt, task.deadlineAt),
          ).catch(
            // Not fatal: after a restart the task is still queued, in the same place, and starts again.
            (error: unknown) => deps.log.warn({ taskId: task.id, err: error }, 'recording task start failed'),
          )
          run(task)
        }
      }
    } catch (error) {
      deps.log.error({ err: error }, 'reading the task queue failed; retrying')
      setTimeout(schedulePump, OUTCOME_RETRY_MS).unref()
    }
  }

  return {
    async submit(body) {
      if (isStopped) throw new SidecarError('SHUTTING_DOWN')
      const submission = parseSubmission(body, deps.registry, newId, deps.paramsLimits)
      let admitted: Admission | undefined
      const admission = { store: deps.store, slots, limits, now, deadlineOf }
      // Read and write in one batch: a duplicate id in the same burst sees the pending row.
      const decision = await durably('recording task', () => {
        admitted = admit(admission, submission)
        return admitted
      }).catch((error: unknown) => {
        // The batch did not commit: give back what this submission took.
        undoAdmission(slots, admitted)
        throw error
      })
      switch (decision.kind) {
        case 'full':
          throw new SidecarError('QUEUE_FULL', `${limits.maxQueued} tasks are waiting`, {
            retryAfterSeconds: limits.retryAfterSeconds,
          })
        case 'conflict':
          throw new SidecarError('TASK_ID_CONFLICT', `${submission.id} is a ${decision.existing.type} task`)
        case 'unchanged':
          return { id: decision.task.id }
        case 'create':
        case 'rerun':
          deps.metrics.submitted(decision.task.type)
          // Only after COMMIT: a handler never runs for a task that is not on disk.
          if (decision.isStarted) run(decision.task)
          else schedulePump()
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
      // Abort first: a cancelled run writes nothing, even if it would finish before the delete commits.
      active.get(key)?.controller.abort(new Error('task cancelled'))
      const removed = await durably('deleting task', () => {
        const task = deps.store.get(key)
        return task && deps.store.delete(key) ? task : undefined
      })
      if (!removed) throw new SidecarError('TASK_NOT_FOUND')
      const run = active.get(key)
      if (run) {
        run.controller.abort(new Error('task cancelled'))
        finish(removed)
      } else if (removed.status === 'running' && removed.startedAt === undefined) {
        slots.addQueued(removed.type, -1)
      }
    },
    rehydrate() {
      const started = storeCall('listing running tasks', () => deps.store.listStarted())
      for (const task of started) {
        deps.log.info({ taskId: task.id, taskType: task.type, run: task.run }, 'resuming interrupted task')
        slots.take(task.type)
        run(task)
      }
      const queued = storeCall('counting queued tasks', () => deps.store.countQueuedByType())
      for (const [type, n] of queued) {
        if (deps.registry.get(type)) slots.addQueued(type, n)
        else {
          // Queued by a sidecar version that knew this type: run them now, to fail with a clear error,
          // rather than let them hold queue places forever.
          for (const task of storeCall('reading queued tasks', () => deps.store.nextQueued([type], n))) {
            slots.take(task.type)
            run(task)
          }
        }
      }
      schedulePump()
      return started.length
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
    get queuedCount() {
      return slots.queued
    },
  }
}
