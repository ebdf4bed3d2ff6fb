import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../test/fake-clock.js'
import type { KubeClient, KubeObject } from '../kube/client.js'
import { KubeApiError } from '../kube/errors.js'
import { LeaderElector, type Lease } from './leader.js'

/** An in-memory Lease store with the API server's optimistic lock. */
function fakeLeases() {
  let stored: Lease | undefined
  let rv = 0
  let isDown = false
  const client = {
    async get() {
      if (isDown) throw new KubeApiError(0, 'Transport', 'down')
      if (stored === undefined) throw new KubeApiError(404, 'NotFound', 'not found')
      return structuredClone(stored)
    },
    async create(_r: unknown, object: KubeObject) {
      if (stored !== undefined) throw new KubeApiError(409, 'AlreadyExists', 'exists')
      stored = { ...(object as Lease), metadata: { ...object.metadata, resourceVersion: String(++rv) } }
      return structuredClone(stored)
    },
    async update(_r: unknown, object: KubeObject) {
      if (isDown) throw new KubeApiError(0, 'Transport', 'down')
      if (object.metadata.resourceVersion !== stored?.metadata.resourceVersion) {
        throw new KubeApiError(409, 'Conflict', 'the object has been modified')
      }
      stored = { ...(object as Lease), metadata: { ...object.metadata, resourceVersion: String(++rv) } }
      return structuredClone(stored)
    },
  } as unknown as KubeClient
  return {
    client,
    holder: () => stored?.spec?.holderIdentity,
    setDown: (down: boolean) => {
      isDown = down
    },
  }
}

const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }
const flush = () => new Promise((r) => setTimeout(r, 0))

async function advance(clock: ReturnType<typeof fakeClock>, ms: number, step = 500): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step)
    await flush()
    await flush()
  }
}

describe('LeaderElector', () => {
  it('takes a free Lease, keeps others out while it renews, and hands it over on release', async () => {
    const leases = fakeLeases()
    const clock = fakeClock(1_000_000)
    const a = new LeaderElector({
      client: leases.client,
      namespace: 'ns',
      name: 'l',
      identity: 'a',
      clock,
      ...TIMINGS,
    })
    const b = new LeaderElector({
      client: leases.client,
      namespace: 'ns',
      name: 'l',
      identity: 'b',
      clock,
      ...TIMINGS,
    })
    expect(await a.acquire(new AbortController().signal)).toBe(true)
    const holdA = new AbortController()
    const heldA = a.hold(holdA.signal)
    let isBLeader = false
    const stopB = new AbortController()
    void b.acquire(stopB.signal).then((won) => {
      isBLeader = won
    })
    await advance(clock, 30_000)
    expect(isBLeader).toBe(false)
    expect(leases.holder()).toBe('a')
    holdA.abort()
    expect(await heldA).toBe('stopped')
    await a.release()
    expect(leases.holder()).toBeNull()
    await advance(clock, 2_000)
    expect(isBLeader).toBe(true)
    expect(leases.holder()).toBe('b')
    stopB.abort()
  })

  it('takes over a Lease whose holder stopped renewing, after the lease duration on its own clock', async () => {
    const leases = fakeLeases()
    const clock = fakeClock(1_000_000)
    const a = new LeaderElector({
      client: leases.client,
      namespace: 'ns',
      name: 'l',
      identity: 'a',
      clock,
      ...TIMINGS,
    })
    expect(await a.acquire(new AbortController().signal)).toBe(true)
    const b = new LeaderElector({
      client: leases.client,
      namespace: 'ns',
      name: 'l',
      identity: 'b',
      clock,
      ...TIMINGS,
    })
    let wonAt: number | undefined
    void b.acquire(new AbortController().signal).then(() => {
      wonAt = clock.now()
    })
    await advance(clock, 14_000)
    expect(wonAt).toBeUndefined()
    await advance(clock, 4_000)
    expect(wonAt).toBeDefined()
    expect(leases.holder()).toBe('b')
  })

  it('reports the leadership lost when it cannot renew within the renew deadline', async () => {
    const leases = fakeLeases()
    const clock = fakeClock(1_000_000)
    const a = new LeaderElector({
      client: leases.client,
      namespace: 'ns',
      name: 'l',
      identity: 'a',
      clock,
      ...TIMINGS,
    })
    expect(await a.acquire(new AbortController().signal)).toBe(true)
    let end: string | undefined
    void a.hold(new AbortController().signal).then((e) => {
      end = e
    })
    leases.setDown(true)
    await advance(clock, 8_000)
    expect(end).toBeUndefined()
    await advance(clock, 4_000)
    expect(end).toBe('lost')
  })
})
