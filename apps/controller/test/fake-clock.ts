/** A manual Clock for unit tests: time moves only through `advance`. */
import type { Clock } from '../src/runtime/clock.js'

export interface FakeClock extends Clock {
  advance(ms: number): void
  readonly pending: number
}

export function fakeClock(startMs = 0): FakeClock {
  let now = startMs
  let seq = 0
  const timers = new Map<number, { readonly atMs: number; readonly fn: () => void }>()
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = seq++
      timers.set(id, { atMs: now + ms, fn })
      return () => timers.delete(id)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.atMs <= end)
          .sort((a, b) => a[1].atMs - b[1].atMs || a[0] - b[0])[0]
        if (due === undefined) break
        timers.delete(due[0])
        now = Math.max(now, due[1].atMs)
        due[1].fn()
      }
      now = end
    },
    get pending() {
      return timers.size
    },
  }
}
