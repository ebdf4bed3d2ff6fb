import { Type } from '@sinclair/typebox'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually, silentLog, tempHome } from '../__tests__/harness.js'
import { SidecarError } from '../errors.js'
import { storePath } from '../home.js'
import { createMetrics } from '../metrics.js'
import { openStore, type TaskStore } from '../store/store.js'
import { createEngine } from './engine.js'
import { createRegistry, defineTask } from './registry.js'

const ID = '9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f'
let outcome: 'ok' | 'throw' | 'throw-sync' | 'hang' | 'deaf' = 'ok'
const probe = defineTask({
  type: 'probe',
  summary: 'test',
  paramsSchema: Type.Object({ n: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
  run: (params, ctx) => {
    if (outcome === 'throw-sync') throw new Error('sync boom')
    if (outcome === 'throw') return Promise.reject(new Error('async boom'))
    if (outcome === 'deaf') return new Promise(() => {})
    if (outcome === 'hang') {
      return new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      )
    }
    return Promise.resolve({ n: params.n ?? 0 })
  },
})

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  outcome = 'ok'
  for (const fn of cleanups.splice(0).reverse()) await fn()
})

function setup(file?: string) {
  let path = file
  if (path === undefined) {
    const home = tempHome()
    cleanups.push(home.remove)
    path = storePath(home.home)
  }
  const store: TaskStore = openStore(path)
  const metrics = createMetrics(new Registry(), ['probe'])
  const engine = createEngine({
    store,
    registry: createRegistry([probe, { ...probe, type: 'probe-two' }]),
    metrics: metrics.tasks,
    log: silentLog,
    context: {
      home: '/nonexistent',
      chainId: 'c',
      seidRpcUrl: 'http://127.0.0.1:1',
      readiness: { set: () => {} },
      procRoot: '/proc',
    },
  })
  cleanups.push(async () => {
    await engine.stop()
    store.close()
  })
  return { engine, store, metrics, path }
}

const settled = (engine: ReturnType<typeof setup>['engine'], id: string) =>
  eventually(() => {
    const t = engine.get(id)
    return t.status === 'running' ? undefined : t
  })

describe('engine', () => {
  it('acknowledges only after the task is committed to the store', async () => {
    outcome = 'hang'
    const { engine, store } = setup()
    const { id } = await engine.submit({ type: 'probe' })
    expect(store.get(id)?.status).toBe('running')
  })

  it('runs a task to completed with its result', async () => {
    const { engine } = setup()
    await engine.submit({ id: ID, type: 'probe', params: { n: 4 } })
    expect(await settled(engine, ID)).toMatchObject({ status: 'completed', run: 1, result: { n: 4 } })
  })

  it.each(['throw', 'throw-sync'] as const)(
    'marks a handler that %ss failed without crashing',
    async (mode) => {
      outcome = mode
      const { engine } = setup()
      await engine.submit({ id: ID, type: 'probe' })
      const task = await settled(engine, ID)
      expect(task.status).toBe('failed')
      expect(task.error).toMatch(/boom/)
    },
  )

  it('treats resubmission of a completed id as a no-op and re-runs a failed one with run + 1', async () => {
    const { engine, metrics } = setup()
    await engine.submit({ id: ID, type: 'probe' })
    await settled(engine, ID)
    expect(await engine.submit({ id: ID, type: 'probe' })).toEqual({ id: ID })
    expect(engine.get(ID).run).toBe(1)
    outcome = 'throw'
    const other = '11111111-2222-4333-8444-555555555555'
    await engine.submit({ id: other, type: 'probe' })
    await settled(engine, other)
    outcome = 'ok'
    await engine.submit({ id: other.toUpperCase(), type: 'probe' })
    expect(await settled(engine, other)).toMatchObject({ status: 'completed', run: 2 })
    const { body } = await metrics.render(undefined)
    expect(body).toContain('seictl_task_submissions_total{type="probe"} 3')
    expect(body).toContain('seictl_task_failures_total{type="probe"} 1')
  })

  it('rejects the same id with another type as a conflict', async () => {
    const { engine } = setup()
    await engine.submit({ id: ID, type: 'probe' })
    await expect(engine.submit({ id: ID, type: 'probe-two' })).rejects.toThrow(
      /already used by another task type/,
    )
  })

  it('cancels a running task on delete and its run writes nothing', async () => {
    outcome = 'hang'
    const { engine, store } = setup()
    await engine.submit({ id: ID, type: 'probe' })
    await engine.remove(ID)
    await new Promise((r) => setTimeout(r, 20))
    expect(store.get(ID)).toBeUndefined()
    expect(engine.runningCount).toBe(0)
    await expect(engine.remove(ID)).rejects.toThrow(SidecarError)
  })

  it('leaves running tasks running on stop and resumes them with the same run number', async () => {
    outcome = 'hang'
    const first = setup()
    await first.engine.submit({ id: ID, type: 'probe' })
    await first.engine.stop()
    expect(first.store.get(ID)?.status).toBe('running')
    first.store.close()
    outcome = 'ok'
    const second = setup(first.path)
    expect(second.engine.rehydrate()).toBe(1)
    expect(await settled(second.engine, ID)).toMatchObject({ status: 'completed', run: 1 })
  })

  it('commits a burst of concurrent submissions together, each acknowledged once durable', async () => {
    const { engine, path } = setup()
    const acks = await Promise.all(Array.from({ length: 50 }, () => engine.submit({ type: 'probe' })))
    const reader = openStore(path)
    cleanups.push(() => reader.close())
    for (const { id } of acks) expect(reader.get(id)).toBeDefined()
  })

  it('acknowledges a duplicate id within one burst once, without a second run', async () => {
    const { engine, metrics } = setup()
    const [a, b] = await Promise.all([
      engine.submit({ id: ID, type: 'probe' }),
      engine.submit({ id: ID, type: 'probe' }),
    ])
    expect(a).toEqual(b)
    expect((await metrics.render(undefined)).body).toContain('seictl_task_submissions_total{type="probe"} 1')
  })

  it('abandons a handler that ignores its abort signal once the stop timeout passes', async () => {
    outcome = 'deaf'
    const { engine, store } = setup()
    await engine.submit({ id: ID, type: 'probe' })
    // Resolving at all is the behaviour (the deaf handler never settles); its timing is in bench/timing.mjs.
    await engine.stop({ timeoutMs: 100 })
    expect(engine.runningCount).toBe(0)
    expect(store.get(ID)?.status).toBe('running')
  })

  it('refuses submissions after stop', async () => {
    const { engine } = setup()
    await engine.stop()
    await expect(engine.submit({ type: 'probe' })).rejects.toThrow(/shutting down/)
  })
})
