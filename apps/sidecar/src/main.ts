#!/usr/bin/env node
/**
 * sei-sidecar entry point: the only place that listens and handles signals.
 * Start order: config → SEI_HOME check → store → engine + rehydrate → tasks listener → public listener
 * → startupz passes. Shutdown runs in reverse within SHUTDOWN_BUDGET_MS (pod grace period is 30 s).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { BIND } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { loadConfigFromProcess } from './config.js'
import { createEngine } from './engine/engine.js'
import { createRegistry } from './engine/registry.js'
import { BUILTIN_TASKS } from './engine/tasks/index.js'
import { helpText } from './help.js'
import { checkHomeWritable, storePath } from './home.js'
import { createLifecycle } from './lifecycle.js'
import { createMetrics } from './metrics.js'
import { buildPublicServer } from './server/public-server.js'
import { buildTasksServer } from './server/tasks-server.js'
import { openStore, type TaskStore } from './store/store.js'

const SHUTDOWN_BUDGET_MS = 25_000
/** Keep answering 503 on healthz briefly so probes see it before the listeners go away. */
const DRAIN_DELAY_MS = 1_000

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(BUILTIN_TASKS))
    return 0
  }
  if (argv.length > 0) {
    process.stderr.write(`sei-sidecar: unknown argument ${JSON.stringify(argv[0])}; see --help\n`)
    return 2
  }
  const log = pino({ base: { service: 'sei-sidecar' } })
  const loaded = loadConfigFromProcess()
  const homeProblem = loaded.ok ? await checkHomeWritable(loaded.config.home) : undefined
  if (!loaded.ok || homeProblem) {
    const errors = loaded.ok ? [homeProblem ?? ''] : loaded.errors
    log.fatal({ errors }, 'invalid configuration')
    process.stderr.write(`sei-sidecar: invalid configuration:\n${errors.map((e) => `  ${e}`).join('\n')}\n`)
    return 1
  }
  const config = loaded.config
  const started: Array<{ name: string; stop: () => Promise<void> | void }> = []
  const stopAll = async () => {
    for (const part of started.reverse()) {
      try {
        await part.stop()
      } catch (error) {
        log.error({ err: error, part: part.name }, 'stopping failed')
      }
    }
  }
  let store: TaskStore
  let runningTasks = () => 0
  let tasksServer: FastifyInstance
  let publicServer: FastifyInstance
  const lifecycle = createLifecycle()
  const registry = createRegistry(BUILTIN_TASKS)
  const metrics = createMetrics(new Registry(), registry.types)
  try {
    store = openStore(storePath(config.home))
    started.push({ name: 'store', stop: () => store.close() })
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
    started.push({ name: 'engine', stop: () => engine.stop() })
    runningTasks = () => engine.runningCount
    const resumed = engine.rehydrate()
    const common = { lifecycle, metrics, pingStore: () => store.ping() }
    tasksServer = buildTasksServer({
      ...common,
      log: log.child({ listener: 'tasks' }),
      engine,
      home: config.home,
      authnMode: config.authnMode,
      isLegacyPublicOnTasks: config.isLegacyPublicOnTasks,
    })
    publicServer = buildPublicServer({ ...common, log: log.child({ listener: 'public' }) })
    await tasksServer.listen({ host: BIND.tasks, port: config.tasksPort })
    started.push({ name: 'tasks listener', stop: () => tasksServer.close() })
    await publicServer.listen({ host: BIND.public, port: config.publicPort })
    started.push({ name: 'public listener', stop: () => publicServer.close() })
    lifecycle.markStarted()
    log.info(
      {
        tasks: `${BIND.tasks}:${config.tasksPort}`,
        public: `${BIND.public}:${config.publicPort}`,
        authnMode: config.authnMode,
        legacyPublicOnTasks: config.isLegacyPublicOnTasks,
        home: config.home,
        chainId: config.chainId,
        resumedTasks: resumed,
      },
      'sei-sidecar started',
    )
    if (config.authnMode === 'unauthenticated') {
      log.warn(
        'authn mode unauthenticated: the task API trusts every local caller; for local development only',
      )
    }
    if (config.isLegacyPublicOnTasks) {
      log.warn(
        'legacy switch on: public paths are also served on the tasks listener without identity; remove once the proxy drops --ignore-paths',
      )
    }
  } catch (error) {
    log.fatal({ err: error }, 'start-up failed')
    await stopAll()
    return 1
  }
  return new Promise<number>((resolve) => {
    let isShuttingDown = false
    const shutdown = async (signal: string) => {
      if (isShuttingDown) return
      isShuttingDown = true
      log.info({ signal, runningTasks: runningTasks() }, 'shutting down: readiness now fails, draining')
      const budget = setTimeout(() => {
        log.error({ budgetMs: SHUTDOWN_BUDGET_MS }, 'shutdown budget exceeded; closing remaining connections')
        tasksServer.server.closeAllConnections()
        publicServer.server.closeAllConnections()
      }, SHUTDOWN_BUDGET_MS)
      lifecycle.startDraining()
      await sleep(DRAIN_DELAY_MS)
      // Reverse start order: listeners (in-flight requests finish), engine (handlers aborted, their tasks
      // stay `running` in the store), store last.
      await stopAll()
      clearTimeout(budget)
      log.info('shutdown complete')
      resolve(0)
    }
    process.on('SIGTERM', () => void shutdown('SIGTERM'))
    process.on('SIGINT', () => void shutdown('SIGINT'))
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
    // Let pino flush; nothing else should hold the loop after shutdown, but never hang the pod.
    setTimeout(() => process.exit(code), 200).unref()
  },
  (error: unknown) => {
    process.stderr.write(
      `sei-sidecar: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
