/**
 * The clock every long-running part takes, so tests own time: `now` in milliseconds and a cancellable
 * timer. `systemClock` is the only place that reads the real clock.
 */
export interface Clock {
  now(): number
  /** Runs `fn` after `ms`; the returned function cancels it (idempotent). */
  setTimer(fn: () => void, ms: number): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms)
    // A pending delayed requeue must not keep the process alive after everything else stopped.
    timer.unref()
    return () => clearTimeout(timer)
  },
}

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      cancel()
      reject(signal?.reason)
    }
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
