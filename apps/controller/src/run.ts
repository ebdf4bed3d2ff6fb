/**
 * `run`: the controller process. Start order: API connection → metrics → informers (started at once,
 * also on a standby, so a new leader has a warm cache) → health and metrics listeners → leader election
 * → workers. Shutdown (the signal aborts) goes in reverse: workers settle, the Lease is released, the
 * watches stop, the listeners close. A start that fails part-way stops what already started.
 * Resolves 'stopped' after a requested shutdown, 'lost' when leadership was lost (the caller exits 1, as
 * controller-runtime does: a fresh process campaigns again with clean state).
 */
import { hostname } from 'node:os'
import { CONTROLLER, LEADER_ELECTION, SIDECAR_CLIENT } from '@sei-k8s/contract'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import { v4 as uuidv4 } from 'uuid'
import { createKubeClient, type KubeClient, type Verb } from './kube/client.js'
import { openConnection } from './kube/connection.js'
import type { Resource } from './kube/resources.js'
import type { PlatformConfig } from './platform.js'
import type { RunArgs } from './run-args.js'
import { systemClock } from './runtime/clock.js'
import { runController } from './runtime/controller.js'
import { type Listener, startHealthServer, startMetricsServer } from './runtime/health.js'
import { LeaderElector } from './runtime/leader.js'
import { createControllerMetrics } from './runtime/metrics.js'
import { WorkQueue } from './runtime/queue.js'
import { createEventRecorder } from './seinode/events.js'
import { createNodeRbac } from './seinode/node-rbac.js'
import { OwnWrites } from './seinode/own-writes.js'
import { createSeiNodeReconciler } from './seinode/reconciler.js'
import { createSidecarSync } from './seinode/sidecar-sync.js'
import { createNodeSources, OWNED_RESOURCES } from './seinode/sources.js'
import { createAddressing } from './sidecar/address.js'
import { createSidecarClient } from './sidecar/client.js'
import { createTokenSource } from './sidecar/token.js'

const CONTROLLER_NAME = 'seinode'

/** Sidecar flags a caller may leave out: `run` falls back to the contract's SIDECAR_CLIENT defaults. */
type SidecarDefaults = 'sidecarUrlTemplate' | 'sidecarUrlMapPath' | 'sidecarTokenPath' | 'sidecarPollMs'

/** The parsed `run` flags (less those the CLI itself handles) and the loaded platform config. */
export interface RunOptions
  extends Omit<RunArgs, 'configPath' | 'logLevel' | 'isHelp' | SidecarDefaults>,
    Partial<Pick<RunArgs, SidecarDefaults>> {
  readonly platform: PlatformConfig
  /** Tests: called with the RBAC verb and resource of every API request. */
  readonly onCall?: (verb: Verb, resource: Resource) => void
}

export type RunEnd = 'stopped' | 'lost'

/** Resolves once `signal` is aborted (at once if it already is). */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

export async function run(options: RunOptions, log: Logger, signal: AbortSignal): Promise<RunEnd> {
  const connection = await openConnection({ kubeconfigPath: options.kubeconfigPath })
  const client: KubeClient = createKubeClient(connection, options.onCall ? { onCall: options.onCall } : {})
  const identity = `${hostname()}_${uuidv4()}`
  const leaseNamespace = options.leaderElectionNamespace ?? connection.namespace ?? CONTROLLER.namespace
  const stopWatches = new AbortController()
  const listeners: Listener[] = []
  try {
    let queueRef: WorkQueue | undefined
    const metrics = createControllerMetrics(new Registry(), {
      controller: CONTROLLER_NAME,
      maxConcurrentReconciles: options.concurrency,
      resources: ['seinodes', ...OWNED_RESOURCES.map((r) => r.plural)],
      leaseName: options.leaderElectionId,
      longestRunningMs: () => queueRef?.longestRunningMs() ?? 0,
    })
    const queue = new WorkQueue({ metrics: metrics.queue })
    queueRef = queue
    const ownWrites = new OwnWrites()
    const sources = createNodeSources({
      client,
      ownWrites,
      namespaces: options.namespaces,
      enqueue: (key) => queue.add(key),
      tuning: (resource) => ({
        watchdogMs: options.watchdogMs,
        onRestart: (reason, error) => {
          metrics.watchRestarted(resource.plural, reason)
          // A server-side watch timeout is routine (every half watchdog period): debug, not info.
          const level = reason === 'closed' ? 'debug' : 'info'
          log[level]({ resource: resource.plural, reason, err: error }, 'watch restarting')
        },
        onUnparsableLine: () => metrics.watchUnparsableLine(resource.plural),
      }),
    })
    const watches = sources.informers.map((informer) => informer.run(stopWatches.signal))
    listeners.push(
      await startHealthServer({
        port: options.healthPort,
        host: options.bindAddress,
        checks: sources.informers.map((informer, i) => ({
          name: `informer-${informer.resource.plural}-${i}`,
          check: () => (informer.isHealthy() ? undefined : informer.isSynced ? 'watch stale' : 'not synced'),
        })),
      }),
      await startMetricsServer({
        port: options.metricsPort,
        host: options.bindAddress,
        registry: metrics.registry,
      }),
    )
    log.info(
      {
        server: connection.server,
        namespaces: options.namespaces.length === 0 ? 'all' : options.namespaces,
        concurrency: options.concurrency,
        healthPort: listeners[0]?.port,
        metricsPort: listeners[1]?.port,
        leaderElect: options.isLeaderElect,
        identity,
      },
      'controller starting',
    )
    // A SIGTERM while the API server is unreachable must not wait for a sync that may never come.
    await Promise.race([Promise.all(sources.informers.map((i) => i.waitSynced())), untilAborted(signal)])
    if (signal.aborted) return 'stopped'
    log.info('caches synced')

    const elector = options.isLeaderElect
      ? new LeaderElector({
          client,
          namespace: leaseNamespace,
          name: options.leaderElectionId,
          identity,
          ...LEADER_ELECTION,
          onError: (error) => log.warn({ err: error }, 'leader election request failed'),
        })
      : undefined
    if (elector !== undefined) {
      log.info({ lease: `${leaseNamespace}/${options.leaderElectionId}` }, 'waiting for leadership')
      if (!(await elector.acquire(signal))) return 'stopped'
      log.info({ lease: `${leaseNamespace}/${options.leaderElectionId}` }, 'became leader')
    }
    metrics.leader(true)
    const stopWorkers = new AbortController()
    const onStop = (): void => stopWorkers.abort()
    signal.addEventListener('abort', onStop, { once: true })
    if (signal.aborted) onStop()
    const reconcile = createSeiNodeReconciler({
      client,
      caches: sources.caches,
      platform: options.platform,
      nodeRbac: createNodeRbac(client, options.platform.nodeServiceAccount),
      events: createEventRecorder(client, identity, systemClock.now),
      log,
      now: systemClock.now,
      newId: uuidv4,
      ownWrites,
      sidecar: createSidecarSync({
        client: createSidecarClient({
          addressing: createAddressing({
            template: options.sidecarUrlTemplate ?? SIDECAR_CLIENT.urlTemplate,
            mapPath: options.sidecarUrlMapPath,
          }),
          token: createTokenSource(options.sidecarTokenPath ?? SIDECAR_CLIENT.tokenPath),
          observe: metrics.sidecarRequest,
        }),
        pollPeriodMs: options.sidecarPollMs ?? SIDECAR_CLIENT.pollPeriodMs,
        now: systemClock.now,
      }),
    })
    const workers = runController(
      {
        queue,
        // Events of a node seen during its reconcile are held and judged at the end (own-writes.ts).
        reconcile: async (key, reconcileSignal) => {
          ownWrites.begin(key)
          try {
            return await reconcile(key, reconcileSignal)
          } finally {
            if (ownWrites.end(key)) queue.add(key)
          }
        },
        concurrency: options.concurrency,
        hooks: {
          ...metrics,
          onError: (key, error, kind) => log.warn({ key, kind, err: error }, 'reconcile failed'),
        },
      },
      stopWorkers.signal,
    )
    let end: RunEnd = 'stopped'
    if (elector !== undefined) {
      // Losing the lease stops reconciling at once: workers stop before anything else.
      end = await elector.hold(stopWorkers.signal)
      if (end === 'lost') {
        log.error('leadership lost')
        stopWorkers.abort()
      }
    } else {
      await untilAborted(stopWorkers.signal)
    }
    await workers
    // Released only after the last reconcile settled, so two leaders never write at once.
    if (end === 'stopped') await elector?.release()
    metrics.leader(false)
    signal.removeEventListener('abort', onStop)
    stopWatches.abort()
    await Promise.all(watches)
    return end
  } finally {
    stopWatches.abort()
    for (const listener of listeners.reverse()) await listener.close()
    connection.close()
  }
}
