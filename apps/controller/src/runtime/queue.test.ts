import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../test/fake-clock.js'
import { WorkQueue } from './queue.js'

describe('WorkQueue', () => {
  it('de-duplicates a key queued twice', async () => {
    const q = new WorkQueue({ clock: fakeClock() })
    q.add('ns/a')
    q.add('ns/a')
    q.add('ns/b')
    expect(q.length).toBe(2)
    expect(await q.get()).toBe('ns/a')
    expect(await q.get()).toBe('ns/b')
  })

  it('never hands out a key in flight; a key added meanwhile runs once more after done', async () => {
    const q = new WorkQueue({ clock: fakeClock() })
    q.add('ns/a')
    const key = await q.get()
    q.add('ns/a')
    q.add('ns/a')
    expect(q.length).toBe(0)
    let next: string | undefined
    void q.get().then((k) => {
      next = k
    })
    await Promise.resolve()
    expect(next).toBeUndefined()
    q.done(key ?? '')
    await Promise.resolve()
    expect(next).toBe('ns/a')
    expect(q.length).toBe(0)
  })

  it('delays addAfter and keeps the earliest pending time per key', async () => {
    const clock = fakeClock()
    const q = new WorkQueue({ clock })
    q.addAfter('ns/a', 1000)
    q.addAfter('ns/a', 5000)
    q.addAfter('ns/a', 500)
    expect(clock.pending).toBe(1)
    clock.advance(499)
    expect(q.length).toBe(0)
    clock.advance(1)
    expect(q.length).toBe(1)
    clock.advance(10_000)
    expect(q.length).toBe(1)
  })

  it('rate-limited adds back off per key and forget resets', async () => {
    const clock = fakeClock()
    const q = new WorkQueue({ clock })
    q.addRateLimited('ns/a')
    clock.advance(4)
    expect(q.length).toBe(0)
    clock.advance(1)
    expect(await q.get()).toBe('ns/a')
    q.done('ns/a')
    q.addRateLimited('ns/a')
    clock.advance(9)
    expect(q.length).toBe(0)
    clock.advance(1)
    expect(q.length).toBe(1)
    expect(q.numRequeues('ns/a')).toBe(2)
    q.forget('ns/a')
    expect(q.numRequeues('ns/a')).toBe(0)
  })

  it('shutDown releases waiting getters and cancels delayed adds', async () => {
    const clock = fakeClock()
    const q = new WorkQueue({ clock })
    const waiting = q.get()
    q.addAfter('ns/a', 100)
    q.shutDown()
    q.shutDown()
    expect(await waiting).toBeUndefined()
    expect(clock.pending).toBe(0)
    q.add('ns/b')
    expect(await q.get()).toBeUndefined()
  })

  it('reports the longest running key', async () => {
    const clock = fakeClock()
    const q = new WorkQueue({ clock })
    expect(q.longestRunningMs()).toBe(0)
    q.add('ns/a')
    await q.get()
    clock.advance(250)
    expect(q.longestRunningMs()).toBe(250)
  })
})
