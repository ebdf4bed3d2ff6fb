/**
 * The work queue's rate limiter, as controller-runtime's default: the slower of a per-key exponential
 * backoff (5 ms doubling to 1000 s) and an overall token bucket (10 qps, burst 100). PURE: time comes in
 * as an argument, so the maths is tested without timers.
 */

export interface RateLimiterOptions {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly qps: number
  readonly burst: number
}

export const DEFAULT_RATE_LIMITER: RateLimiterOptions = {
  baseDelayMs: 5,
  maxDelayMs: 1_000_000,
  qps: 10,
  burst: 100,
}

export interface RateLimiter {
  /** Delay before `key` may run again after one more failure; counts the failure and takes a token. */
  when(key: string, nowMs: number): number
  /** Clears the key's failure count (after a success or a terminal error). */
  forget(key: string): void
  /** Failures counted for `key` since its last forget. */
  failures(key: string): number
}

/** Exponential backoff of the `failures`-th retry (0-based), capped. */
export function backoffDelayMs(failures: number, options: RateLimiterOptions): number {
  // 2 ** 1100 is Infinity; min() then caps it, so no overflow guard is needed beyond that.
  return Math.min(options.baseDelayMs * 2 ** failures, options.maxDelayMs)
}

export function createRateLimiter(options: RateLimiterOptions = DEFAULT_RATE_LIMITER): RateLimiter {
  const failures = new Map<string, number>()
  let tokens = options.burst
  let lastMs: number | undefined
  const reserve = (nowMs: number): number => {
    if (lastMs !== undefined)
      tokens = Math.min(options.burst, tokens + ((nowMs - lastMs) * options.qps) / 1000)
    lastMs = nowMs
    tokens -= 1
    return tokens >= 0 ? 0 : (-tokens * 1000) / options.qps
  }
  return {
    when(key, nowMs) {
      const count = failures.get(key) ?? 0
      failures.set(key, count + 1)
      return Math.max(backoffDelayMs(count, options), reserve(nowMs))
    },
    forget(key) {
      failures.delete(key)
    },
    failures(key) {
      return failures.get(key) ?? 0
    },
  }
}
