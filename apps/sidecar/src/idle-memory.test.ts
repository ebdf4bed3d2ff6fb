import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createIdleMemoryMode } from './idle-memory.js'

describe('createIdleMemoryMode', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('optimizes for speed from the first task request and for size once idle again', () => {
    const flags: string[] = []
    const mode = createIdleMemoryMode({ idleMs: 1000, setFlags: (f) => flags.push(f), now: () => Date.now() })
    expect(mode.isOptimizingForSize).toBe(true)
    mode.noteActivity()
    mode.noteActivity()
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size'])
    vi.advanceTimersByTime(600)
    mode.noteActivity()
    vi.advanceTimersByTime(600)
    expect(mode.isOptimizingForSize).toBe(false)
    vi.advanceTimersByTime(1000)
    expect(mode.isOptimizingForSize).toBe(true)
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size', '--optimize-for-size'])
    mode.stop()
  })

  it('sets no flag while nothing is asked', () => {
    const flags: string[] = []
    const mode = createIdleMemoryMode({ idleMs: 100, setFlags: (f) => flags.push(f), now: () => Date.now() })
    vi.advanceTimersByTime(1000)
    expect(flags).toEqual(['--optimize-for-size'])
    mode.stop()
  })
})
