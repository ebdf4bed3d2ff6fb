/** Test harness: a sidecar's parts wired as main.ts wires them, on a temp SEI_HOME, without listening. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AuthnMode } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { createEngine, type Engine } from '../engine/engine.js'
import { createRegistry, type TaskContext, type TaskDefinition } from '../engine/registry.js'
import { BUILTIN_TASKS } from '../engine/tasks/index.js'
import { storePath } from '../home.js'
import { createLifecycle, type Lifecycle } from '../lifecycle.js'
import { createMetrics, type SidecarMetrics } from '../metrics.js'
import type { Limits } from '../server/options.js'
import { buildPublicServer } from '../server/public-server.js'
import { buildTasksServer } from '../server/tasks-server.js'
import { openStore, type TaskStore } from '../store/store.js'
import { createStoreMonitor } from '../store/store-monitor.js'

export interface Harness {
  readonly home: string
  readonly store: TaskStore
  readonly engine: Engine
  readonly lifecycle: Lifecycle
  readonly metrics: SidecarMetrics
  readonly tasks: FastifyInstance
  readonly public: FastifyInstance
  close(): Promise<void>
}

export function tempHome(): { home: string; remove: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'sidecar-test-'))
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) }
}

export const silentLog = pino({ level: 'silent' })

export async function createHarness(
  options: {
    authnMode?: AuthnMode
    isLegacyPublicOnTasks?: boolean
    extraTasks?: readonly TaskDefinition[]
    seidRpcUrl?: string
    chainId?: string
    limits?: Partial<Limits>
  } = {},
): Promise<Harness> {
  const { home, remove } = tempHome()
  const store = openStore(storePath(home))
  const lifecycle = createLifecycle()
  const registry = createRegistry([...BUILTIN_TASKS, ...(options.extraTasks ?? [])])
  const metrics = createMetrics(new Registry(), registry.types)
  const engine = createEngine({
    store,
    registry,
    metrics: metrics.tasks,
    log: silentLog,
    context: {
      home,
      chainId: options.chainId ?? 'test-1',
      seidRpcUrl: options.seidRpcUrl ?? 'http://127.0.0.1:1',
      readiness: { set: (isReady) => lifecycle.setReady(isReady) },
      procRoot: '/proc',
    },
  })
  const monitor = createStoreMonitor(() => store.ping(), 50)
  const common = {
    lifecycle,
    metrics,
    storeProblem: () => monitor.problem(),
    log: silentLog,
    limits: options.limits,
  }
  const tasks = buildTasksServer({
    ...common,
    engine,
    home,
    authnMode: options.authnMode ?? 'trusted-header',
    isLegacyPublicOnTasks: options.isLegacyPublicOnTasks ?? false,
  })
  const publicServer = buildPublicServer(common)
  await Promise.all([tasks.ready(), publicServer.ready()])
  lifecycle.markStarted()
  return {
    home,
    store,
    engine,
    lifecycle,
    metrics,
    tasks,
    public: publicServer,
    close: async () => {
      await Promise.all([tasks.close(), publicServer.close()])
      await engine.stop()
      monitor.stop()
      store.close()
      remove()
    },
  }
}

/** Headers of an authenticated caller, as kube-rbac-proxy sets them. */
export const AS_CONTROLLER = {
  'x-remote-user': 'system:serviceaccount:sei-k8s-controller-system:sei-k8s-controller-manager',
  'x-remote-groups': 'system:serviceaccounts|system:authenticated',
} as const

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A handler context on `home` for calling a task's run() directly. */
export function contextFor(home: string, extra: Partial<TaskContext> = {}): TaskContext {
  return {
    taskId: 't',
    signal: new AbortController().signal,
    home,
    chainId: 'test-1',
    seidRpcUrl: 'http://127.0.0.1:1',
    readiness: { set: () => {} },
    log: silentLog,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    procRoot: '/proc',
    ...extra,
  }
}
