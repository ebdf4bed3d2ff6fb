import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../test/fake-clock.js'
import {
  type ControllerHooks,
  processKey,
  type Reconciler,
  runController,
  TerminalError,
} from './controller.js'
import { createControllerMetrics } from './metrics.js'
import { WorkQueue } from './queue.js'

function setup(reconcile: Reconciler) {
  const clock = fakeClock()
  const metrics = createControllerMetrics(new Registry(), {
    controller: 'seinode',
    maxConcurrentReconciles: 2,
    resources: [],
    leaseName: 'test',
    longestRunningMs: () => queue.longestRunningMs(),
  })
  const queue: WorkQueue = new WorkQueue({ clock, metrics: metrics.queue })
  const errors: string[] = []
  const hooks: ControllerHooks = {
    ...metrics,
    onError: (key, _error, kind) => errors.push(`${key}:${kind}`),
  }
  const options = { queue, reconcile, concurrency: 2, hooks, clock }
  return { clock, queue, metrics, errors, options }
}

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
  return Number(value?.value ?? Number.NaN)
}

const signal = new AbortController().signal

describe('controller outcome switch', () => {
  it('requeues an error with backoff and counts it', async () => {
    const { queue, clock, metrics, errors, options } = setup(async () => {
      throw new Error('boom')
    })
    queue.add('ns/a')
    await processKey((await queue.get()) ?? '', options, signal)
    expect(errors).toEqual(['ns/a:error'])
    expect(queue.numRequeues('ns/a')).toBe(1)
    clock.advance(5)
    expect(queue.length).toBe(1)
    expect(await counter(metrics.registry, 'controller_runtime_reconcile_total', { result: 'error' })).toBe(1)
    expect(await counter(metrics.registry, 'workqueue_retries_total', {})).toBe(1)
  })

  it('requeues {requeue: true} with backoff, counted as result requeue, not as an error', async () => {
    const { queue, clock, metrics, errors, options } = setup(async () => ({ requeue: true }))
    queue.add('ns/a')
    await processKey((await queue.get()) ?? '', options, signal)
    expect(errors).toEqual([])
    expect(queue.length).toBe(0)
    clock.advance(5)
    expect(queue.length).toBe(1)
    const total = (result: string) =>
      counter(metrics.registry, 'controller_runtime_reconcile_total', { result })
    expect(await total('requeue')).toBe(1)
    expect(await total('error')).toBe(0)
    expect(await counter(metrics.registry, 'controller_runtime_reconcile_errors_total', {})).toBe(0)
    expect(await counter(metrics.registry, 'workqueue_retries_total', {})).toBe(1)
  })

  it('never retries a TerminalError', async () => {
    const { queue, clock, errors, options } = setup(async () => {
      throw new TerminalError('no')
    })
    queue.add('ns/a')
    await processKey((await queue.get()) ?? '', options, signal)
    clock.advance(10_000_000)
    expect(queue.length).toBe(0)
    expect(errors).toEqual(['ns/a:terminal'])
  })

  it('counts a programming error as a panic and keeps going', async () => {
    const { queue, metrics, errors, options } = setup(async () => {
      throw new TypeError('x is undefined')
    })
    queue.add('ns/a')
    await processKey((await queue.get()) ?? '', options, signal)
    expect(errors).toEqual(['ns/a:panic'])
    expect(await counter(metrics.registry, 'controller_runtime_reconcile_panics_total', {})).toBe(1)
  })

  it('requeues after the asked delay and forgets the backoff', async () => {
    const { queue, clock, metrics, options } = setup(async () => ({ requeueAfterMs: 30_000 }))
    queue.addRateLimited('ns/a')
    clock.advance(5)
    await processKey((await queue.get()) ?? '', options, signal)
    expect(queue.numRequeues('ns/a')).toBe(0)
    clock.advance(29_999)
    expect(queue.length).toBe(0)
    clock.advance(1)
    expect(queue.length).toBe(1)
    expect(
      await counter(metrics.registry, 'controller_runtime_reconcile_total', { result: 'requeue_after' }),
    ).toBe(1)
  })

  it('runs at most `concurrency` reconciles at once and one per key, then stops on abort', async () => {
    let running = 0
    let peak = 0
    const seen: string[] = []
    const gates: (() => void)[] = []
    const { queue, options } = setup(async (key) => {
      running++
      peak = Math.max(peak, running)
      seen.push(key)
      await new Promise<void>((resolve) => gates.push(resolve))
      running--
      return {}
    })
    const stop = new AbortController()
    const done = runController(options, stop.signal)
    for (const k of ['ns/a', 'ns/b', 'ns/c']) queue.add(k)
    await new Promise((r) => setTimeout(r, 5))
    queue.add('ns/a')
    expect(peak).toBe(2)
    while (gates.length > 0 || seen.length < 4) {
      gates.shift()?.()
      await new Promise((r) => setTimeout(r, 1))
    }
    expect(seen.sort()).toEqual(['ns/a', 'ns/a', 'ns/b', 'ns/c'])
    stop.abort()
    await done
  })
})
