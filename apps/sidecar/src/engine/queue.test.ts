/** Bounded concurrency, the durable ordered queue, lanes and persisted deadlines, with a real store. */
import { Type } from '@sinclair/typebox'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, silentLog, tempHome } from '../__tests__/harness.js'
import { storePath } from '../home.js'
import { createMetrics } from '../metrics.js'
import { openStore } from '../store/store.js'
import { createEngine } from './engine.js'
import { createRegistry, defineTask } from './registry.js'

/** Handlers that wait until released by the test, recording start order. */
const started: string[] = []
const gates = new Map<string, () => void>()
const deadlines = new Map<string, number | undefined>()
const gated = defineTask({
  type: 'gated',
  summary: 'test',
  paramsSchema: Type.Object({ label: Type.String(), timeoutSeconds: Type.Optional(Type.Integer()) }),
  timeoutSeconds: (params) => params.timeoutSeconds,
  run: (params, ctx) => {
    started.push(params.label)
    deadlines.set(params.label, ctx.deadlineMs)
    return new Promise((resolve, reject) => {
      gates.set(params.label, () => resolve({ label: params.label }))
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))
    })
  },
})
const laned = defineTask({ ...gated, type: 'laned-a', lane: 'files' })
const lanedB = defineTask({ ...gated, type: 'laned-b', lane: 'files' })

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
  started.length = 0
  gates.clear()
  deadlines.clear()
})

function setup(options: { path?: string; now?: () => Date } = {}) {
  let path = options.path
  if (path === undefined) {
    const home = tempHome()
    cleanups.push(home.remove)
    path = storePath(home.home)
  }
  const store = openStore(path)
  const engine = createEngine({
    store,
    registry: createRegistry([gated, laned, lanedB]),
    metrics: createMetrics(new Registry(), ['gated']).tasks,
    log: silentLog,
    context: {
      home: '/x',
      chainId: 'c',
      seidRpcUrl: 'http://127.0.0.1:1',
      readiness: { set: () => {} },
      procRoot: '/proc',
    },
    limits: { maxRunning: 3, maxRunningPerType: 2, maxQueued: 4, retryAfterSeconds: 7 },
    ...(options.now && { now: options.now }),
  })
  let isClosed = false
  const close = async () => {
    if (isClosed) return
    isClosed = true
    await engine.stop({ timeoutMs: 100 })
    store.close()
  }
  cleanups.push(close)
  return { engine, store, path, close }
}

const release = async (label: string) => {
  const open = await eventually(() => gates.get(label))
  gates.delete(label)
  open()
}

describe('bounded task engine', () => {
  it('runs at most the per-type limit at once and starts queued tasks in submission order', async () => {
    const { engine } = setup()
    for (const label of ['a', 'b', 'c', 'd']) await engine.submit({ type: 'gated', params: { label } })
    await eventually(() => (started.length === 2 ? true : undefined))
    expect(engine.runningCount).toBe(2)
    expect(engine.queuedCount).toBe(2)
    await release('a')
    await eventually(() => (started.length === 3 ? true : undefined))
    await release('b')
    await eventually(() => (started.length === 4 ? true : undefined))
    expect(started).toEqual(['a', 'b', 'c', 'd'])
  })

  it('refuses beyond the queue limit with QUEUE_FULL (429) and a Retry-After', async () => {
    const { engine } = setup()
    for (let i = 0; i < 6; i++) await engine.submit({ type: 'gated', params: { label: `t${i}` } })
    const refused = await engine.submit({ type: 'gated', params: { label: 'x' } }).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'QUEUE_FULL', httpStatus: 429, retryAfterSeconds: 7 })
  })

  it('runs the types of one lane one at a time, in submission order across types', async () => {
    const { engine } = setup()
    await engine.submit({ type: 'laned-a', params: { label: '1' } })
    await engine.submit({ type: 'laned-b', params: { label: '2' } })
    await engine.submit({ type: 'laned-a', params: { label: '3' } })
    await eventually(() => (started.length === 1 ? true : undefined))
    await new Promise((r) => setTimeout(r, 30))
    expect(started).toEqual(['1'])
    await release('1')
    await release('2')
    await release('3')
    expect(started).toEqual(['1', '2', '3'])
  })

  it('keeps the queue and the lane order across a restart', async () => {
    const first = setup()
    for (const label of ['1', '2', '3']) await first.engine.submit({ type: 'laned-a', params: { label } })
    await eventually(() => (started.length === 1 ? true : undefined))
    await first.close()
    started.length = 0
    gates.clear()
    const second = setup({ path: first.path })
    expect(second.engine.rehydrate()).toBe(1)
    expect(second.engine.queuedCount).toBe(2)
    await release('1')
    await release('2')
    await release('3')
    expect(started).toEqual(['1', '2', '3'])
  })

  it('keeps an absolute deadline across restarts instead of restarting the timeout', async () => {
    let clock = Date.parse('2026-01-01T00:00:00.000Z')
    const first = setup({ now: () => new Date(clock) })
    await first.engine.submit({ type: 'gated', params: { label: 'd', timeoutSeconds: 3 } })
    await eventually(() => (started.length === 1 ? true : undefined))
    expect(deadlines.get('d')).toBe(clock + 3000)
    const deadline = clock + 3000
    await first.close()
    gates.clear()
    clock += 2000
    const second = setup({ path: first.path, now: () => new Date(clock) })
    second.engine.rehydrate()
    await eventually(() => (started.length === 2 ? true : undefined))
    expect(deadlines.get('d')).toBe(deadline)
  })

  it('drops a queued task on delete and frees its queue place', async () => {
    const { engine } = setup()
    const ids = []
    for (const label of ['a', 'b', 'c'])
      ids.push((await engine.submit({ type: 'gated', params: { label } })).id)
    expect(engine.queuedCount).toBe(1)
    await engine.remove(ids[2] ?? '')
    expect(engine.queuedCount).toBe(0)
    await release('a')
    await new Promise((r) => setTimeout(r, 30))
    expect(started).toEqual(['a', 'b'])
  })

  it('fails queued tasks of a type this version does not know, instead of holding the queue', async () => {
    const first = setup()
    for (const label of ['1', '2']) await first.engine.submit({ type: 'laned-a', params: { label } })
    await first.close()
    gates.clear()
    const raw = openStore(first.path)
    raw.insert({ id: 'gone-1', type: 'retired-type', status: 'running', run: 1, submittedAt: 'x' })
    raw.close()
    const second = setup({ path: first.path })
    second.engine.rehydrate()
    expect(second.engine.queuedCount).toBe(1)
    await eventually(() => (second.engine.get('gone-1').status === 'failed' ? true : undefined))
    expect(second.engine.get('gone-1').error).toBe(
      'task type retired-type is not known to this sidecar version',
    )
  })
})
