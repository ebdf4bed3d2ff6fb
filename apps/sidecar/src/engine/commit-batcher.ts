/**
 * Group commit. Every write joins one transaction that is committed once per event-loop turn, so a burst
 * of concurrent submissions costs one fsync instead of one each (`synchronous = FULL` makes each COMMIT
 * fsync the WAL). Callers' promises settle only after COMMIT returned: a 201 still means "on disk".
 *
 * Reads on the same connection during the turn see the pending writes; they are committed microseconds
 * later or, if COMMIT fails, every writer of the batch is rejected (a 5xx) and nothing was acknowledged.
 */

export interface TransactionalStore {
  begin(): void
  commit(): void
  rollback(): void
}

export interface CommitBatcher {
  /** Runs `write` inside the current batch; resolves with its value once the batch is committed. */
  run<T>(write: () => T): Promise<T>
  /** Resolves when everything written so far is committed (or rejects if that batch failed). */
  flushed(): Promise<void>
}

interface Pending {
  readonly settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>
}

export function createCommitBatcher(
  store: TransactionalStore,
  schedule: (fn: () => void) => void = setImmediate,
): CommitBatcher {
  let pending: Pending | undefined

  function flush(batch: Pending): void {
    pending = undefined
    try {
      store.commit()
    } catch (error) {
      try {
        store.rollback()
      } catch {
        // COMMIT failing usually ended the transaction already; the original error is what matters.
      }
      for (const waiter of batch.settle) waiter.reject(error)
      return
    }
    for (const waiter of batch.settle) waiter.resolve()
  }

  function current(): Pending {
    if (pending) return pending
    store.begin()
    const batch: Pending = { settle: [] }
    pending = batch
    schedule(() => flush(batch))
    return batch
  }

  function wait(batch: Pending): Promise<void> {
    return new Promise((resolve, reject) => batch.settle.push({ resolve, reject }))
  }

  return {
    run: async (write) => {
      const batch = current()
      // A failing statement is undone by SQLite on its own; the rest of the batch stays intact.
      const value = write()
      await wait(batch)
      return value
    },
    flushed: () => (pending ? wait(pending) : Promise.resolve()),
  }
}
