import { describe, expect, it } from 'vitest'
import { backoffDelayMs, createRateLimiter, DEFAULT_RATE_LIMITER } from './rate-limiter.js'

describe('rate limiter', () => {
  it('backs off per key from 5 ms doubling to a 1000 s cap', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelayMs(n, DEFAULT_RATE_LIMITER))).toEqual([5, 10, 20, 40])
    expect(backoffDelayMs(30, DEFAULT_RATE_LIMITER)).toBe(1_000_000)
    expect(backoffDelayMs(5000, DEFAULT_RATE_LIMITER)).toBe(1_000_000)
  })

  it('keeps keys apart and forgets a key on success', () => {
    const limiter = createRateLimiter({ ...DEFAULT_RATE_LIMITER, burst: 1000 })
    expect(limiter.when('a', 0)).toBe(5)
    expect(limiter.when('a', 0)).toBe(10)
    expect(limiter.when('b', 0)).toBe(5)
    expect(limiter.failures('a')).toBe(2)
    limiter.forget('a')
    expect(limiter.when('a', 0)).toBe(5)
  })

  it('limits all keys together to 10 qps after a burst of 100', () => {
    const limiter = createRateLimiter()
    const delays = Array.from({ length: 102 }, (_, i) => limiter.when(`k${i}`, 0))
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true)
    expect(delays[100]).toBe(100)
    expect(delays[101]).toBe(200)
    // Tokens refill at 10 per second.
    expect(limiter.when('later', 10_000)).toBe(5)
  })
})
