/**
 * WorkQueue: the keyed, de-duplicating queue of client-go, for `namespace/name` keys.
 *
 * Invariants (client-go's dirty/processing sets): a key is queued at most once; a key added while it is
 * being processed is not handed out again until `done`, then it runs once more (newest state wins, never
 * two reconciles of one key at once). Delayed adds keep only the earliest pending time per key.
 * `addRateLimited` delays by the rate limiter (per-key backoff combined with the overall bucket).
 */
import { type Clock, systemClock } from './clock.js'
import { createRateLimiter, type RateLimiter } from './rate-limiter.js'

/** What the queue reports; runtime/metrics.ts implements it with controller-runtime's names. */
export interface QueueMetricsSink {
  added(): void
  depth(depth: number): void
  retried(): void
  /** Seconds a key waited between being queued and handed out. */
  queued(seconds: number): void
  /** Seconds between handing a key out and its `done`. */
  worked(seconds: number): void
}

export interface WorkQueueOptions {
  readonly clock?: Clock
  readonly rateLimiter?: RateLimiter
  readonly metrics?: QueueMetricsSink
}

export class WorkQueue {
  readonly #clock: Clock
  readonly #limiter: RateLimiter
  readonly #metrics: QueueMetricsSink | undefined
  readonly #queue: string[] = []
  readonly #dirty = new Set<string>()
  readonly #processing = new Map<string, number>()
  readonly #addedAt = new Map<string, number>()
  readonly #delayed = new Map<string, { readonly atMs: number; readonly cancel: () => void }>()
  readonly #waiters: ((key: string | undefined) => void)[] = []
  #isShutDown = false

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? systemClock
    this.#limiter = options.rateLimiter ?? createRateLimiter()
    this.#metrics = options.metrics
  }

  /** Queues `key` unless it is already queued; a key in flight is queued again once it is done. */
  add(key: string): void {
    if (this.#isShutDown || this.#dirty.has(key)) return
    this.#metrics?.added()
    this.#dirty.add(key)
    this.#addedAt.set(key, this.#clock.now())
    if (this.#processing.has(key)) return
    this.#push(key)
  }

  /** Queues `key` after `delayMs`; an earlier pending delayed add of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#isShutDown) return
    if (delayMs <= 0) {
      this.add(key)
      return
    }
    const atMs = this.#clock.now() + delayMs
    const pending = this.#delayed.get(key)
    if (pending !== undefined) {
      if (pending.atMs <= atMs) return
      pending.cancel()
    }
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key)
      this.add(key)
    }, delayMs)
    this.#delayed.set(key, { atMs, cancel })
  }

  /** Queues `key` after its rate-limited delay and counts a retry. */
  addRateLimited(key: string): void {
    this.#metrics?.retried()
    this.addAfter(key, this.#limiter.when(key, this.#clock.now()))
  }

  /** Resets the key's backoff (after success or a terminal error). */
  forget(key: string): void {
    this.#limiter.forget(key)
  }

  /** Failures counted for `key` since its last forget. */
  numRequeues(key: string): number {
    return this.#limiter.failures(key)
  }

  /** The next key, marked in flight; undefined once shut down. Waits while the queue is empty. */
  get(): Promise<string | undefined> {
    if (this.#isShutDown) return Promise.resolve(undefined)
    const key = this.#queue.shift()
    if (key !== undefined) return Promise.resolve(this.#hand(key))
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Marks `key` finished; if it was added meanwhile it is queued again. */
  done(key: string): void {
    const startedAt = this.#processing.get(key)
    if (startedAt === undefined) return
    this.#processing.delete(key)
    this.#metrics?.worked((this.#clock.now() - startedAt) / 1000)
    if (this.#dirty.has(key) && !this.#isShutDown) this.#push(key)
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.#queue.length
  }

  /** Milliseconds the oldest in-flight key has been running (0 when idle). */
  longestRunningMs(): number {
    let oldest = Number.POSITIVE_INFINITY
    for (const startedAt of this.#processing.values()) oldest = Math.min(oldest, startedAt)
    return oldest === Number.POSITIVE_INFINITY ? 0 : this.#clock.now() - oldest
  }

  /** Stops handing out keys: pending `get`s resolve undefined, delayed adds are cancelled. Idempotent. */
  shutDown(): void {
    if (this.#isShutDown) return
    this.#isShutDown = true
    for (const { cancel } of this.#delayed.values()) cancel()
    this.#delayed.clear()
    for (const waiter of this.#waiters.splice(0)) waiter(undefined)
  }

  get isShutDown(): boolean {
    return this.#isShutDown
  }

  #push(key: string): void {
    const waiter = this.#waiters.shift()
    if (waiter !== undefined) {
      waiter(this.#hand(key))
      return
    }
    this.#queue.push(key)
    this.#metrics?.depth(this.#queue.length)
  }

  #hand(key: string): string {
    const now = this.#clock.now()
    this.#processing.set(key, now)
    this.#dirty.delete(key)
    this.#metrics?.queued((now - (this.#addedAt.get(key) ?? now)) / 1000)
    this.#addedAt.delete(key)
    this.#metrics?.depth(this.#queue.length)
    return key
  }
}
