/**
 * Group commit. Writes queued during one event-loop turn run in one transaction committed at the end
 * of the turn, so a burst of concurrent submissions costs one fsync instead of one each
 * (`synchronous = FULL` makes each COMMIT fsync the WAL). Callers' promises settle only after COMMIT
 * returned: a 201 still means "on disk". Writes run in order, each seeing the ones before it.
 *
 * When another process holds the write lock, BEGIN fails at once (busy_timeout 0: a synchronous wait
 * would freeze the event loop). The batch is retried on a timer, off the event loop's critical path,
 * for up to `busyMaxWaitMs`; after that its writers are rejected with the busy error (→ 503).
 */

export interface TransactionalStore {
  begin(): void
  commit(): void
  rollback(): void
}

export interface CommitBatcher {
  /** Queues `write` into the current batch; resolves with its value once the batch is committed. */
  run<T>(write: () => T): Promise<T>
  /** Resolves when everything queued so far is committed (or rejects if that batch failed). */
  flushed(): Promise<void>
}

export interface CommitBatcherOptions {
  readonly schedule?: (fn: () => void) => void
  readonly isBusy?: (error: unknown) => boolean
  readonly busyRetryMs?: number
  readonly busyMaxWaitMs?: number
}

interface Write {
  readonly write: () => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

interface Batch {
  readonly writes: Write[]
  readonly firstTriedAt: number
}

export function createCommitBatcher(
  store: TransactionalStore,
  options: CommitBatcherOptions = {},
): CommitBatcher {
  const schedule = options.schedule ?? setImmediate
  const isBusy = options.isBusy ?? (() => false)
  const busyRetryMs = options.busyRetryMs ?? 10
  const busyMaxWaitMs = options.busyMaxWaitMs ?? 250
  let pending: Batch | undefined

  function rejectAll(batch: Batch, error: unknown): void {
    for (const w of batch.writes) w.reject(error)
  }

  function flush(batch: Batch): void {
    try {
      store.begin()
    } catch (error) {
      if (isBusy(error) && performance.now() - batch.firstTriedAt < busyMaxWaitMs) {
        // Later writes keep joining this batch while it waits for the lock.
        setTimeout(() => flush(batch), busyRetryMs)
        return
      }
      pending = undefined
      rejectAll(batch, error)
      return
    }
    pending = undefined
    const outcomes = batch.writes.map((w) => {
      try {
        // A failing statement is undone by SQLite on its own; the rest of the batch stays intact.
        return { ok: true as const, value: w.write() }
      } catch (error) {
        return { ok: false as const, error }
      }
    })
    try {
      store.commit()
    } catch (error) {
      try {
        store.rollback()
      } catch {
        // COMMIT failing usually ended the transaction already; the original error is what matters.
      }
      rejectAll(batch, error)
      return
    }
    batch.writes.forEach((w, i) => {
      const outcome = outcomes[i]
      if (outcome?.ok) w.resolve(outcome.value)
      else w.reject(outcome?.error)
    })
  }

  function enqueue(write: () => unknown): Promise<unknown> {
    let batch = pending
    if (!batch) {
      const created: Batch = { writes: [], firstTriedAt: performance.now() }
      batch = created
      pending = created
      schedule(() => flush(created))
    }
    const target = batch
    return new Promise((resolve, reject) => target.writes.push({ write, resolve, reject }))
  }

  return {
    run: <T>(write: () => T) => enqueue(write) as Promise<T>,
    flushed: () => (pending ? enqueue(() => undefined).then(() => undefined) : Promise.resolve()),
  }
}
