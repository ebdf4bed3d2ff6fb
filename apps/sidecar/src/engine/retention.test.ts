import { afterEach, describe, expect, it } from 'vitest'
import { silentLog, tempHome } from '../__tests__/harness.js'
import { storePath } from '../home.js'
import { openStore } from '../store/store.js'
import { createPruner } from './retention.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn()
})

describe('createPruner', () => {
  it('prunes by age and count in batches, keeping running and queued tasks', async () => {
    const { home, remove } = tempHome()
    cleanups.push(remove)
    const store = openStore(storePath(home))
    cleanups.push(() => store.close())
    for (let i = 0; i < 25; i++) {
      const task = { id: `t${i}`, type: 'mark-ready', status: 'running' as const, run: 1, submittedAt: 'x' }
      store.insert(task)
      if (i < 22)
        store.update({ ...task, status: 'completed', completedAt: `2026-01-0${1 + (i % 2)}T00:00:00.000Z` })
    }
    const pruner = createPruner(store, silentLog, {
      maxAgeHours: 24,
      maxCount: 5,
      intervalMs: 60_000,
      batch: 4,
      now: () => new Date('2026-01-02T12:00:00.000Z'),
    })
    cleanups.push(() => pruner.stop())
    // 11 completed on Jan 1 are over a day old; of the 11 from Jan 2 the newest 5 stay.
    expect(await pruner.pruneNow()).toBe(17)
    const left = store.listNewest(100)
    expect(left.filter((t) => t.status === 'running')).toHaveLength(3)
    expect(left.filter((t) => t.status === 'completed')).toHaveLength(5)
  })
})
