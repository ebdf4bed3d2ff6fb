/**
 * The controller loop: `concurrency` workers take keys from the WorkQueue and call the Reconciler.
 *
 * Outcome contract (controller-runtime's `reconcileHandler`, one switch):
 * - throws TerminalError → counted as an error, never retried, backoff forgotten;
 * - throws anything else → counted, requeued rate-limited (per-key backoff + overall bucket);
 * - returns `{requeueAfterMs}` → backoff forgotten, requeued after that delay;
 * - returns `{requeue: true}` → requeued rate-limited like an error (per-key backoff, 5 ms first), but
 *   counted as result `requeue`, not as an error, and not logged (an expected race, e.g. a stale cache);
 * - returns `{}` → success, backoff forgotten.
 * Every key is `done` in all cases, and a throw never kills a worker (the panic guard): programming
 * errors (TypeError, RangeError, ReferenceError, non-Error throws) are also counted as panics.
 */
import type { ReconcileResult } from '@sei-k8s/contract'
import { type Clock, systemClock } from './clock.js'
import type { WorkQueue } from './queue.js'

/**
 * Reconciler: makes the world match the object named by `key` (`namespace/name`). Level-based: the key
 * carries no event, so a reconcile re-reads the current state and is safe to repeat.
 */
export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileOutcome>

export interface ReconcileOutcome {
  /** Run this key again after this many milliseconds (e.g. to poll something that has no watch). */
  readonly requeueAfterMs?: number
  /** Run this key again soon, with the queue's backoff (not an error: nothing is logged). */
  readonly requeue?: boolean
}

/** An error that retrying cannot fix (the reconciler already reported it, e.g. as a Stalled condition). */
export class TerminalError extends Error {
  override readonly name = 'TerminalError'
}

export interface ControllerHooks {
  reconciled(result: ReconcileResult, seconds: number): void
  reconcileError(kind: 'error' | 'terminal' | 'panic'): void
  activeWorkers(delta: number): void
  /** Called with every reconcile error (after it was classified); logs it. */
  onError(key: string, error: unknown, kind: 'error' | 'terminal' | 'panic'): void
}

export interface ControllerOptions {
  readonly queue: WorkQueue
  readonly reconcile: Reconciler
  readonly concurrency: number
  readonly hooks: ControllerHooks
  readonly clock?: Clock
}

function isPanic(error: unknown): boolean {
  return (
    !(error instanceof Error) ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError
  )
}

/** Handles one key: the outcome switch. Exported for tests; never throws. */
export async function processKey(
  key: string,
  options: ControllerOptions,
  signal: AbortSignal,
): Promise<void> {
  const { queue, hooks } = options
  const clock = options.clock ?? systemClock
  const startedAt = clock.now()
  hooks.activeWorkers(1)
  let result: ReconcileResult
  try {
    const outcome = await options.reconcile(key, signal)
    if (outcome.requeue === true) {
      queue.addRateLimited(key)
      result = 'requeue'
    } else if (outcome.requeueAfterMs !== undefined && outcome.requeueAfterMs > 0) {
      queue.forget(key)
      queue.addAfter(key, outcome.requeueAfterMs)
      result = 'requeue_after'
    } else {
      queue.forget(key)
      result = 'success'
    }
  } catch (error) {
    const kind = error instanceof TerminalError ? 'terminal' : isPanic(error) ? 'panic' : 'error'
    if (kind === 'terminal') queue.forget(key)
    else queue.addRateLimited(key)
    hooks.reconcileError(kind)
    hooks.onError(key, error, kind)
    result = 'error'
  } finally {
    hooks.activeWorkers(-1)
    queue.done(key)
  }
  hooks.reconciled(result, (clock.now() - startedAt) / 1000)
}

/**
 * Runs the workers until `signal` aborts; then shuts the queue down and resolves once every in-flight
 * reconcile has settled.
 */
export async function runController(options: ControllerOptions, signal: AbortSignal): Promise<void> {
  const onAbort = (): void => options.queue.shutDown()
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await options.queue.get()
      if (key === undefined) return
      await processKey(key, options, signal)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  signal.removeEventListener('abort', onAbort)
}
