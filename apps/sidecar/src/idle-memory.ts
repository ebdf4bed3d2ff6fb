/**
 * V8's memory mode, switched by task API activity. V8 gives back the heap a request burst grew (a few
 * compacting GCs by its memory reducer) only when it optimizes for size: a server never looks idle to
 * it otherwise (`--trace-memory-reducer` says "high alloc, foreground" minutes after the last request):
 * 30 s after 100k submissions the V8 heap was 29.6 MiB without the flag, 12.6 with it (12 at idle).
 * With the flag on all the time, durable submissions ran ~7 % slower (7.66k vs 8.26k acks/s,
 * interleaved). So the sidecar optimizes for size only while no task request came for `idleMs`, and for
 * speed from the first one on: what browsers do for a hidden tab (V8's "isolate in background"), which
 * Node does not expose.
 */

export interface IdleMemoryOptions {
  /** Quiet time after the last task request before V8 optimizes for size again. */
  readonly idleMs: number
  /** Sets V8 flags at run time (`v8.setFlagsFromString`). */
  readonly setFlags: (flags: string) => void
  readonly now?: () => number
}

export interface IdleMemoryMode {
  /** A task request arrived: optimize for speed (a no-op while already doing so). */
  noteActivity(): void
  readonly isOptimizingForSize: boolean
  stop(): void
}

/** Starts in size mode (start-up is over, nothing has been asked yet; start.ts set it already). */
export function createIdleMemoryMode(options: IdleMemoryOptions): IdleMemoryMode {
  const now = options.now ?? Date.now
  let lastActivityMs = now()
  let isOptimizingForSize = true
  options.setFlags('--optimize-for-size')
  const setMode = (forSize: boolean): void => {
    if (forSize === isOptimizingForSize) return
    isOptimizingForSize = forSize
    options.setFlags(forSize ? '--optimize-for-size' : '--no-optimize-for-size')
  }
  const timer = setInterval(
    () => {
      if (now() - lastActivityMs >= options.idleMs) setMode(true)
    },
    Math.max(1, Math.floor(options.idleMs / 2)),
  )
  timer.unref()
  return {
    noteActivity: () => {
      lastActivityMs = now()
      setMode(false)
    },
    get isOptimizingForSize() {
      return isOptimizingForSize
    },
    stop: () => clearInterval(timer),
  }
}
