/**
 * Retention of finished tasks: a background timer deletes terminal tasks older than the configured age
 * or beyond the configured count, in small batches with a yield to the event loop between them, so a
 * large backlog never blocks requests. Running and queued tasks are never touched (store.pruneTerminal).
 * A busy store (another writer) skips the round; the next interval tries again.
 */
import type { Logger } from 'pino'
import type { TaskStore } from '../store/store.js'

export interface RetentionOptions {
  readonly maxAgeHours: number
  readonly maxCount: number
  readonly intervalMs: number
  readonly batch: number
  readonly now?: () => Date
}

export interface Pruner {
  /** One full round (all batches); resolves with the number of rows deleted. */
  pruneNow(): Promise<number>
  stop(): void
}

export function createPruner(store: TaskStore, log: Logger, options: RetentionOptions): Pruner {
  const now = options.now ?? (() => new Date())
  let isStopped = false
  let round: Promise<number> | undefined

  async function pruneAll(): Promise<number> {
    const before = new Date(now().getTime() - options.maxAgeHours * 3_600_000).toISOString()
    let total = 0
    while (!isStopped) {
      let deleted: number
      try {
        deleted = store.pruneTerminal(before, options.maxCount, options.batch)
      } catch (error) {
        log.warn({ err: error }, 'pruning finished tasks failed; retrying next round')
        break
      }
      total += deleted
      if (deleted < options.batch) break
      await new Promise((resolve) => setImmediate(resolve))
    }
    if (total > 0) log.info({ pruned: total }, 'pruned finished tasks')
    return total
  }

  const pruneNow = (): Promise<number> => {
    round ??= pruneAll().finally(() => {
      round = undefined
    })
    return round
  }
  const timer = setInterval(() => void pruneNow(), options.intervalMs)
  timer.unref()
  return {
    pruneNow,
    stop: () => {
      isStopped = true
      clearInterval(timer)
    },
  }
}
