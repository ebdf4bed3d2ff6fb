/**
 * Liveness of the task store, checked off the request path: a timer pings the store and remembers the
 * outcome, and the probes read that. A probe never runs SQL, so it cannot wait on a lock held by another
 * process, and a probe storm costs the store nothing. A busy store (another writer) is alive: restarting
 * the sidecar would not help, so it does not fail liveness.
 */
import { isBusyError } from './store.js'

export interface StoreMonitor {
  /** Undefined while the last ping answered, else its error message. */
  problem(): string | undefined
  stop(): void
}

export function createStoreMonitor(ping: () => void, intervalMs: number): StoreMonitor {
  let problem: string | undefined
  const check = (): void => {
    try {
      ping()
      problem = undefined
    } catch (error) {
      problem = isBusyError(error) ? undefined : `store ping failed: ${(error as Error).message}`
    }
  }
  check()
  const timer = setInterval(check, intervalMs)
  timer.unref()
  return { problem: () => problem, stop: () => clearInterval(timer) }
}
