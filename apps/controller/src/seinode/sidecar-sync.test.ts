import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { node } from '../../test/fixtures.js'
import type { SeiNode } from '../api/seinode.js'
import { SidecarCallError, type SidecarClient, type SubmitRequest } from '../sidecar/client.js'
import type { TaskView } from '../sidecar/plan.js'
import { createSidecarSync, type SidecarObservation } from './sidecar-sync.js'

/** An in-memory sidecar with the real one's idempotent submission; `fail` makes a type fail. */
function fakeSidecar(options: { fail?: string; refuse?: SidecarCallError } = {}) {
  const tasks = new Map<string, TaskView>()
  const submitted: SubmitRequest[] = []
  let isReady = false
  let keyId = 'ab'.repeat(20)
  const client: SidecarClient = {
    async status() {
      if (options.refuse) throw options.refuse
      return isReady ? 'Ready' : 'Initializing'
    },
    async nodeId() {
      return 'cd'.repeat(20)
    },
    async submit(_n, task) {
      const existing = tasks.get(task.id)
      if (existing !== undefined && existing.status !== 'failed') return
      submitted.push(task)
      // Tasks "run" until the next finish() call, as the real ones run asynchronously.
      tasks.set(task.id, { id: task.id, type: task.type, status: 'running', run: (existing?.run ?? 0) + 1 })
    },
    async getTask(_n, id) {
      return tasks.get(id)
    },
  }
  const finish = () => {
    for (const [id, t] of tasks) {
      if (t.status !== 'running') continue
      if (t.type === options.fail) {
        tasks.set(id, { ...t, status: 'failed', error: 'boom', completedAt: '2026-01-01T00:00:00.000Z' })
        continue
      }
      if (t.type === 'mark-ready') isReady = true
      const result = t.type === 'generate-identity' ? { nodeId: keyId, created: true } : undefined
      tasks.set(id, { ...t, status: 'completed', ...(result === undefined ? {} : { result }) })
    }
  }
  return {
    client,
    submitted,
    finish,
    restart: () => {
      isReady = false
    },
    /** A fresh volume: no tasks, a new node key. */
    wipe: () => {
      isReady = false
      tasks.clear()
      keyId = 'ef'.repeat(20)
    },
  }
}

const log = pino({ level: 'silent' })
const base: SeiNode = {
  ...node({ chainId: 'test-1', overrides: { 'mempool.size': '8000' } }, 'alpha'),
  metadata: { name: 'alpha', namespace: 'sei', uid: 'uid-1', generation: 1 },
}
/** Applies an observation to the node the way the status would record it. */
function apply(n: SeiNode, o: SidecarObservation): SeiNode {
  return { ...n, status: { ...n.status, ...(o.nodeId ? { nodeId: o.nodeId } : {}), ...o.record } }
}

describe('sidecar sync', () => {
  it('walks the init plan one step per reconcile with requeueAfter, then polls SidecarReady', async () => {
    const fake = fakeSidecar()
    const sync = createSidecarSync({ client: fake.client, pollPeriodMs: 30_000, now: () => 0 })
    let n = base
    const first = await sync(n, log)
    expect(first).toMatchObject({ isPlanRunning: true, requeueAfterMs: 250 })
    expect(first.sidecarReady).toMatchObject({ status: 'False', reason: 'Initializing' })
    fake.finish()
    let o: SidecarObservation | undefined
    for (let i = 0; i < 10 && o?.sidecarReady.status !== 'True'; i++) {
      o = await sync(n, log)
      n = apply(n, o)
      fake.finish()
    }
    expect(fake.submitted.map((t) => t.type)).toEqual([
      'generate-identity',
      'config-patch',
      'config-validate',
      'mark-ready',
    ])
    expect(o?.sidecarReady).toMatchObject({ status: 'True', reason: 'Ready' })
    expect(o?.requeueAfterMs).toBe(30_000)
    expect(n.status).toMatchObject({
      nodeId: 'ab'.repeat(20),
      initializedGeneration: 1,
      configuredGeneration: 1,
    })
    // A resync submits nothing.
    const resync = await sync(n, log)
    expect(resync.sidecarReady.status).toBe('True')
    expect(fake.submitted).toHaveLength(4)
    // A restarted sidecar (Initializing): mark-ready re-issued with a new id, then Ready again.
    fake.restart()
    const initializing = await sync(n, log)
    expect(initializing.sidecarReady).toMatchObject({ status: 'False', reason: 'Initializing' })
    expect(fake.submitted).toHaveLength(5)
    expect(fake.submitted[4]?.type).toBe('mark-ready')
    expect(fake.submitted[4]?.id).not.toBe(fake.submitted[3]?.id)
    fake.finish()
    expect((await sync(n, log)).sidecarReady.status).toBe('True')
  })

  it('stops at a failed task with InitTaskFailed and its error, retrying it after the backoff', async () => {
    const fake = fakeSidecar({ fail: 'config-validate' })
    let now = Date.parse('2026-01-01T00:00:00.000Z')
    const sync = createSidecarSync({ client: fake.client, pollPeriodMs: 30_000, now: () => now })
    let o: SidecarObservation | undefined
    for (let i = 0; i < 4; i++) {
      o = await sync(base, log)
      fake.finish()
    }
    expect(o?.taskFailure).toMatchObject({ reason: 'InitTaskFailed' })
    expect(o?.taskFailure?.message).toContain('config-validate')
    expect(o?.taskFailure?.message).toContain('boom')
    expect(o?.requeueAfterMs).toBe(2_000)
    const before = fake.submitted.length
    now += 2_000
    await sync(base, log)
    expect(fake.submitted.length).toBe(before + 1)
    expect(fake.submitted.at(-1)?.type).toBe('config-validate')
  })

  it('turns a 403 into SidecarReady=False/Forbidden and no answer into Unknown, and never throws', async () => {
    const forbidden = new SidecarCallError(
      'forbidden',
      'status /v0/status: 403 from kube-rbac-proxy: Forbidden (user=x)',
      403,
    )
    const refused = createSidecarSync({
      client: fakeSidecar({ refuse: forbidden }).client,
      pollPeriodMs: 30_000,
      now: () => 0,
    })
    expect((await refused(base, log)).sidecarReady).toEqual({
      status: 'False',
      reason: 'Forbidden',
      message: forbidden.message,
    })
    const down = createSidecarSync({
      client: fakeSidecar({ refuse: new SidecarCallError('unreachable', 'connect ECONNREFUSED') }).client,
      pollPeriodMs: 30_000,
      now: () => 0,
    })
    const o = await down(base, log)
    expect(o.sidecarReady).toMatchObject({ status: 'Unknown', reason: 'Unreachable' })
    // Not initialised yet: come back sooner than the poll period.
    expect(o.requeueAfterMs).toBe(5_000)
  })

  it('initialises again, with the same ids, a sidecar whose volume was replaced (no tasks, new node key)', async () => {
    const fake = fakeSidecar()
    const sync = createSidecarSync({ client: fake.client, pollPeriodMs: 30_000, now: () => 0 })
    let n = base
    for (let i = 0; i < 10 && n.status?.initializedGeneration === undefined; i++) {
      n = apply(n, await sync(n, log))
      fake.finish()
    }
    const firstIds = fake.submitted.map((t) => t.id)
    fake.wipe()
    let o: SidecarObservation | undefined
    for (let i = 0; i < 10 && o?.sidecarReady.status !== 'True'; i++) {
      o = await sync(n, log)
      n = apply(n, o)
      fake.finish()
    }
    expect(fake.submitted.slice(4).map((t) => t.id)).toEqual(firstIds)
    expect(n.status?.nodeId).toBe('ef'.repeat(20))
    expect(o?.sidecarReady.status).toBe('True')
  })
})
