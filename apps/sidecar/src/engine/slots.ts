/**
 * Concurrency bookkeeping of the task engine, in memory (pure data, no I/O): running handlers per
 * group (a lane, or the type itself), queued tasks per type, and whether a task may start now.
 * The queue itself lives in the store; this only counts, so memory stays bounded however long it is.
 */
import type { TaskRegistry } from './registry.js'

export interface TaskLimits {
  readonly maxRunning: number
  readonly maxRunningPerType: number
  readonly maxQueued: number
  readonly retryAfterSeconds: number
}

export interface Slots {
  /** Lane name, or the type for a type without a lane. */
  group(type: string): string
  /** Types of every group that has a free slot (overall slots permitting). */
  startableTypes(): string[][]
  /** May a new task of `type` start at once: a free slot and nothing of its group queued before it. */
  canStartNow(type: string): boolean
  hasFreeSlot(type: string): boolean
  readonly running: number
  readonly queued: number
  take(type: string): void
  release(type: string): void
  addQueued(type: string, n: number): void
}

export function createSlots(registry: TaskRegistry, limits: TaskLimits): Slots {
  const runningByGroup = new Map<string, number>()
  const queuedByGroup = new Map<string, number>()
  const typesByGroup = new Map<string, string[]>()
  let running = 0
  let queued = 0
  const group = (type: string) => registry.get(type)?.lane ?? type
  for (const type of registry.types) {
    const g = group(type)
    typesByGroup.set(g, [...(typesByGroup.get(g) ?? []), type])
  }
  const lanes = new Set(registry.types.map((type) => registry.get(type)?.lane))
  const limitOf = (g: string) => (lanes.has(g) ? 1 : limits.maxRunningPerType)
  const hasFreeSlot = (type: string) => {
    const g = group(type)
    return running < limits.maxRunning && (runningByGroup.get(g) ?? 0) < limitOf(g)
  }
  return {
    group,
    startableTypes: () =>
      running >= limits.maxRunning
        ? []
        : [...typesByGroup.entries()]
            .filter(([g]) => (queuedByGroup.get(g) ?? 0) > 0 && (runningByGroup.get(g) ?? 0) < limitOf(g))
            .map(([, types]) => types),
    canStartNow: (type) => hasFreeSlot(type) && (queuedByGroup.get(group(type)) ?? 0) === 0,
    hasFreeSlot,
    get running() {
      return running
    },
    get queued() {
      return queued
    },
    take: (type) => {
      const g = group(type)
      runningByGroup.set(g, (runningByGroup.get(g) ?? 0) + 1)
      running += 1
    },
    release: (type) => {
      const g = group(type)
      runningByGroup.set(g, Math.max(0, (runningByGroup.get(g) ?? 0) - 1))
      running = Math.max(0, running - 1)
    },
    addQueued: (type, n) => {
      const g = group(type)
      queuedByGroup.set(g, Math.max(0, (queuedByGroup.get(g) ?? 0) + n))
      queued = Math.max(0, queued + n)
    },
  }
}
