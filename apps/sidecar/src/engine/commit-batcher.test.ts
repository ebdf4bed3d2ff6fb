import { describe, expect, it } from 'vitest'
import { createCommitBatcher } from './commit-batcher.js'

function fakeStore(options: { failCommit?: boolean; busyBegins?: number } = {}) {
  const log: string[] = []
  let busy = options.busyBegins ?? 0
  return {
    log,
    begin: () => {
      if (busy-- > 0) throw Object.assign(new Error('database is locked'), { errcode: 5 })
      log.push('begin')
    },
    commit: () => {
      log.push('commit')
      if (options.failCommit) throw new Error('disk full')
    },
    rollback: () => void log.push('rollback'),
  }
}

describe('createCommitBatcher', () => {
  it('commits every write of one turn in one transaction and resolves them after COMMIT', async () => {
    const store = fakeStore()
    const batcher = createCommitBatcher(store)
    const write = (n: number) => () => {
      store.log.push(`w${n}`)
      return n
    }
    const results = await Promise.all([1, 2, 3].map((n) => batcher.run(write(n))))
    expect(results).toEqual([1, 2, 3])
    expect(store.log).toEqual(['begin', 'w1', 'w2', 'w3', 'commit'])
  })

  it('starts a new transaction for writes after the commit', async () => {
    const store = fakeStore()
    const batcher = createCommitBatcher(store)
    await batcher.run(() => store.log.push('a'))
    await batcher.run(() => store.log.push('b'))
    expect(store.log).toEqual(['begin', 'a', 'commit', 'begin', 'b', 'commit'])
  })

  it('rejects every writer of a batch whose COMMIT fails, and rolls back', async () => {
    const store = fakeStore({ failCommit: true })
    const batcher = createCommitBatcher(store)
    const results = await Promise.allSettled([batcher.run(() => 1), batcher.run(() => 2)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(store.log).toEqual(['begin', 'commit', 'rollback'])
  })

  it('rejects only the writer whose statement threw', async () => {
    const store = fakeStore()
    const batcher = createCommitBatcher(store)
    const results = await Promise.allSettled([
      batcher.run(() => {
        throw new Error('UNIQUE constraint failed')
      }),
      batcher.run(() => 'ok'),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled'])
    await expect(batcher.flushed()).resolves.toBeUndefined()
  })

  it('retries a busy BEGIN on a timer, so later writes join the waiting batch', async () => {
    const store = fakeStore({ busyBegins: 2 })
    const batcher = createCommitBatcher(store, { isBusy: (e) => (e as { errcode?: number }).errcode === 5 })
    const first = batcher.run(() => store.log.push('a'))
    await new Promise((r) => setTimeout(r, 12))
    const second = batcher.run(() => store.log.push('b'))
    await Promise.all([first, second])
    expect(store.log).toEqual(['begin', 'a', 'b', 'commit'])
  })

  it('rejects the batch with the busy error once the lock stays taken past busyMaxWaitMs', async () => {
    const store = fakeStore({ busyBegins: 1_000 })
    const batcher = createCommitBatcher(store, {
      isBusy: () => true,
      busyRetryMs: 1,
      busyMaxWaitMs: 20,
    })
    await expect(batcher.run(() => 1)).rejects.toThrow('database is locked')
    expect(store.log).toEqual([])
  })
})
