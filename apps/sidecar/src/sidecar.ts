/**
 * Starts the whole sidecar from a validated Config, in order, and stops it in reverse:
 *   temp-file cleanup → store (+ monitor) → engine + rehydrate → retention → public listener →
 *   tasks listener → startupz passes.
 * A failed start stops what already started. main.ts owns argv, env and signals; this owns the order.
 */

import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { APP_NODE_OPTIONS, BIND, formatHostPort, SIDECAR_LIMITS, SIDECAR_MALLOC_ENV } from '@sei-k8s/contract'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import type { Config } from './config.js'
import { createEngine } from './engine/engine.js'
import { createRegistry } from './engine/registry.js'
import { createPruner } from './engine/retention.js'
import { removeStaleTempFiles } from './engine/tasks/atomic-write.js'
import { BUILTIN_TASKS } from './engine/tasks/index.js'
import { storePath } from './home.js'
import { createIdleMemoryMode } from './idle-memory.js'
import { createLifecycle } from './lifecycle.js'
import { createMetrics } from './metrics.js'
import { listenPublic, listenTasks } from './server/listen.js'
import { buildPublicServer } from './server/public-server.js'
import { buildTasksServer } from './server/tasks-server.js'
import { openStore } from './store/store.js'
import { createStoreMonitor } from './store/store-monitor.js'

/** How often the store is pinged for livez (off the request path). */
const STORE_PING_MS = 2_000
/** Quiet time on the task API after which V8 optimizes for size (idle-memory.ts). */
const IDLE_MEMORY_MS = 5_000

export interface ShutdownOptions {
  /** Keep answering 503 on healthz this long before the listeners close, so probes see it. */
  readonly drainDelayMs: number
  /** Past this, open connections are cut and hanging handlers abandoned. */
  readonly budgetMs: number
}

export interface RunningSidecar {
  /** Drains and stops everything; idempotent. Resolves true when it finished within the budget. */
  shutdown(reason: string): Promise<boolean>
}

interface Part {
  readonly name: string
  stop(): Promise<void> | void
}

async function stopParts(parts: Part[], log: Logger): Promise<void> {
  for (const part of parts.splice(0).reverse()) {
    try {
      await part.stop()
    } catch (error) {
      log.error({ err: error, part: part.name }, 'stopping failed')
    }
  }
}

/** Starts the sidecar; throws (after stopping what started) when any step fails. */
export async function startSidecar(
  config: Config,
  log: Logger,
  shutdown: ShutdownOptions,
): Promise<RunningSidecar> {
  const parts: Part[] = []
  const lifecycle = createLifecycle()
  const registry = createRegistry(BUILTIN_TASKS)
  const metrics = createMetrics(new Registry(), registry.types)
  try {
    // Temp files of writes a crash interrupted; no task runs yet, so none is in progress.
    const stale = await removeStaleTempFiles(join(config.home, 'config'))
    if (stale.length > 0) log.warn({ files: stale }, 'removed temp files of interrupted writes')
    const store = openStore(storePath(config.home))
    parts.push({ name: 'store', stop: () => store.close() })
    const monitor = createStoreMonitor(() => store.ping(), STORE_PING_MS)
    parts.push({ name: 'store monitor', stop: () => monitor.stop() })
    const engine = createEngine({
      store,
      registry,
      metrics: metrics.tasks,
      log,
      context: {
        home: config.home,
        chainId: config.chainId,
        seidRpcUrl: config.seidRpcUrl,
        readiness: { set: (isReady) => lifecycle.setReady(isReady) },
        procRoot: '/proc',
      },
    })
    parts.push({ name: 'engine', stop: () => engine.stop({ timeoutMs: shutdown.budgetMs / 5 }) })
    const resumed = engine.rehydrate()
    const pruner = createPruner(store, log, { ...config.retention, ...SIDECAR_LIMITS.retention })
    parts.push({ name: 'retention', stop: () => pruner.stop() })
    const common = { lifecycle, metrics, storeProblem: () => monitor.problem() }
    const tasksServer = buildTasksServer({
      ...common,
      log: log.child({ listener: 'tasks' }),
      engine,
      home: config.home,
      authnMode: config.authnMode,
      isLegacyPublicOnTasks: config.isLegacyPublicOnTasks,
    })
    const publicServer = buildPublicServer({ ...common, log: log.child({ listener: 'public' }) })
    // Public first: a taken probe port fails the start before the task API ever opens.
    const publicHost = await listenPublic(publicServer, config.publicPort)
    parts.push({ name: 'public listener', stop: () => publicServer.close() })
    await listenTasks(tasksServer, config.tasksPort)
    parts.push({ name: 'tasks listener', stop: () => tasksServer.close() })
    const idleMemory = createIdleMemoryMode({ idleMs: IDLE_MEMORY_MS, setFlags: setFlagsFromString })
    parts.push({ name: 'idle memory mode', stop: () => idleMemory.stop() })
    tasksServer.server.on('request', () => idleMemory.noteActivity())
    lifecycle.markStarted()
    logStarted(config, log, resumed, publicHost)

    let stopping: Promise<boolean> | undefined
    return {
      shutdown: (reason) => {
        stopping ??= (async () => {
          log.info(
            { reason, runningTasks: engine.runningCount },
            'shutting down: readiness now fails, draining',
          )
          lifecycle.startDraining()
          let isWithinBudget = true
          const budget = setTimeout(() => {
            isWithinBudget = false
            log.error({ budgetMs: shutdown.budgetMs }, 'shutdown budget exceeded; cutting open connections')
            tasksServer.server.closeAllConnections()
            publicServer.server.closeAllConnections()
          }, shutdown.budgetMs)
          await sleep(shutdown.drainDelayMs)
          // Reverse start order: listeners (in-flight requests finish), engine (handlers aborted, their
          // tasks stay `running`, pending writes flushed), store last.
          await stopParts(parts, log)
          clearTimeout(budget)
          log.info({ isWithinBudget }, 'shutdown complete')
          return isWithinBudget
        })()
        return stopping
      },
    }
  } catch (error) {
    await stopParts(parts, log)
    throw error
  }
}

function logStarted(config: Config, log: Logger, resumedTasks: number, publicHost: string): void {
  log.info(
    {
      tasks: formatHostPort(BIND.tasks, config.tasksPort),
      public: formatHostPort(publicHost, config.publicPort),
      authnMode: config.authnMode,
      legacyPublicOnTasks: config.isLegacyPublicOnTasks,
      home: config.home,
      chainId: config.chainId,
      resumedTasks,
    },
    'sei-sidecar started',
  )
  if (!config.hasNodeOptions && !process.execArgv.join(' ').includes(APP_NODE_OPTIONS)) {
    log.warn(
      { expected: `NODE_OPTIONS=${APP_NODE_OPTIONS}` },
      'node runs without the sidecar memory options: RSS may stay ~100 MiB higher after a request burst',
    )
  }
  if (!config.hasMallocEnv) {
    log.warn(
      { expected: Object.entries(SIDECAR_MALLOC_ENV).map(([name, value]) => `${name}=${value}`) },
      'node runs without the sidecar malloc (jemalloc preloaded): RSS may stay ~20 MiB higher after a request burst',
    )
  }
  if (config.authnMode === 'unauthenticated') {
    log.warn('authn mode unauthenticated: the task API trusts every local caller; for local development only')
  }
  if (config.isLegacyPublicOnTasks) {
    log.warn(
      'legacy switch on: public paths are also served on the tasks listener without identity; remove once the proxy drops --ignore-paths',
    )
  }
}
