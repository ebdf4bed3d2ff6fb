/**
 * Every metric of `run`, declared once on a registry passed in (never prom-client's global one), with
 * controller-runtime's names, help texts and label sets so kubebuilder dashboards work unchanged. Label
 * values come from closed sets (the controller name, RECONCILE_RESULTS, WATCH_RESTART_REASONS, resource
 * plurals); every known combination starts at 0.
 */
import {
  CONTROLLER_METRICS as M,
  PROM_CLIENT_GAUGES_NAMED_TOTAL,
  RECONCILE_RESULTS,
  type ReconcileResult,
  SIDECAR_CLIENT_METRICS,
  SIDECAR_KNOWN_CODES,
  SIDECAR_OPERATIONS,
  type SidecarOperation,
  WATCH_RESTART_REASONS,
  type WatchRestartReason,
} from '@sei-k8s/contract'
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client'
import type { QueueMetricsSink } from './queue.js'

// controller-runtime's reconcile_time buckets and client-go's workqueue buckets (1e-8 s … 10 s).
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
]
// Sidecar calls: loopback/cluster round trips of ms, up to the 30 s submit deadline.
const SIDECAR_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 30]
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]

export interface ControllerMetrics {
  readonly registry: Registry
  readonly queue: QueueMetricsSink
  reconciled(result: ReconcileResult, seconds: number): void
  reconcileError(kind: 'error' | 'terminal' | 'panic'): void
  activeWorkers(delta: number): void
  leader(isLeader: boolean): void
  watchRestarted(resource: string, reason: WatchRestartReason): void
  watchUnparsableLine(resource: string): void
  /** One HTTP attempt to a sidecar (through its proxy): `code` is the status or a no-response code. */
  sidecarRequest(operation: SidecarOperation, code: string, seconds: number): void
}

export interface ControllerMetricsOptions {
  /** The controller name (`seinode`): label `controller` of controller_runtime_*, `name` of workqueue_*. */
  readonly controller: string
  readonly maxConcurrentReconciles: number
  /** Resource plurals watched (label values of the watch metrics). */
  readonly resources: readonly string[]
  /** Leader election lease name (label `name` of leader_election_master_status). */
  readonly leaseName: string
  /** Read on every scrape: milliseconds the oldest in-flight reconcile has run. */
  readonly longestRunningMs: () => number
}

export function createControllerMetrics(
  registry: Registry,
  options: ControllerMetricsOptions,
): ControllerMetrics {
  collectDefaultMetrics({ register: registry })
  for (const name of PROM_CLIENT_GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name)
  const controller = options.controller
  const registers = [registry]
  const total = new Counter({
    name: M.reconcileTotal,
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers,
  })
  for (const result of RECONCILE_RESULTS) total.inc({ controller, result }, 0)
  const perController = (name: string, help: string): Counter<'controller'> => {
    const counter = new Counter({ name, help, labelNames: ['controller'], registers })
    counter.inc({ controller }, 0)
    return counter
  }
  const errors = perController(M.reconcileErrors, 'Total number of reconciliation errors per controller')
  const terminal = perController(
    M.terminalReconcileErrors,
    'Total number of terminal reconciliation errors per controller',
  )
  const panics = perController(M.reconcilePanics, 'Total number of reconciliation panics per controller')
  const time = new Histogram({
    name: M.reconcileTime,
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: RECONCILE_BUCKETS,
    registers,
  })
  time.zero({ controller })
  const active = new Gauge({
    name: M.activeWorkers,
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers,
  })
  active.set({ controller }, 0)
  new Gauge({
    name: M.maxConcurrentReconciles,
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'],
    registers,
  }).set({ controller }, options.maxConcurrentReconciles)

  const name = controller
  const queueLabels = { name, controller }
  const depth = new Gauge({
    name: M.queueDepth,
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller'],
    registers,
  })
  depth.set(queueLabels, 0)
  const adds = new Counter({
    name: M.queueAdds,
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'],
    registers,
  })
  adds.inc(queueLabels, 0)
  const retries = new Counter({
    name: M.queueRetries,
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'],
    registers,
  })
  retries.inc(queueLabels, 0)
  const queueDuration = new Histogram({
    name: M.queueDuration,
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers,
  })
  queueDuration.zero(queueLabels)
  const workDuration = new Histogram({
    name: M.workDuration,
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'],
    buckets: QUEUE_BUCKETS,
    registers,
  })
  workDuration.zero(queueLabels)
  new Gauge({
    name: M.longestRunningProcessor,
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name', 'controller'],
    registers,
    collect() {
      this.set(queueLabels, options.longestRunningMs() / 1000)
    },
  })
  const master = new Gauge({
    name: M.leaderElectionMasterStatus,
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'],
    registers,
  })
  master.set({ name: options.leaseName }, 0)
  const restarts = new Counter({
    name: M.watchRestarts,
    help: 'Watch restarts (relist or reconnect) by resource and reason',
    labelNames: ['resource', 'reason'],
    registers,
  })
  const unparsable = new Counter({
    name: M.watchUnparsableLines,
    help: 'Watch stream lines that were not a JSON watch event, by resource',
    labelNames: ['resource'],
    registers,
  })
  for (const resource of options.resources) {
    for (const reason of WATCH_RESTART_REASONS) restarts.inc({ resource, reason }, 0)
    unparsable.inc({ resource }, 0)
  }

  const sidecarRequests = new Counter({
    name: SIDECAR_CLIENT_METRICS.requests,
    help: 'Requests to node sidecars through kube-rbac-proxy, by operation and HTTP status (or unreachable, timeout, no_token)',
    labelNames: ['operation', 'code'],
    registers,
  })
  const sidecarDuration = new Histogram({
    name: SIDECAR_CLIENT_METRICS.requestDuration,
    help: 'Duration of requests to node sidecars through kube-rbac-proxy, by operation',
    labelNames: ['operation'],
    buckets: SIDECAR_BUCKETS,
    registers,
  })
  for (const operation of SIDECAR_OPERATIONS) {
    for (const code of SIDECAR_KNOWN_CODES) sidecarRequests.inc({ operation, code }, 0)
    sidecarDuration.zero({ operation })
  }

  return {
    registry,
    sidecarRequest(operation, code, seconds) {
      sidecarRequests.inc({ operation, code })
      sidecarDuration.observe({ operation }, seconds)
    },
    queue: {
      added: () => adds.inc(queueLabels),
      depth: (n) => depth.set(queueLabels, n),
      retried: () => retries.inc(queueLabels),
      queued: (s) => queueDuration.observe(queueLabels, s),
      worked: (s) => workDuration.observe(queueLabels, s),
    },
    reconciled(result, seconds) {
      total.inc({ controller, result })
      time.observe({ controller }, seconds)
    },
    reconcileError(kind) {
      if (kind === 'terminal') terminal.inc({ controller })
      if (kind === 'panic') panics.inc({ controller })
      errors.inc({ controller })
    },
    activeWorkers: (delta) => active.inc({ controller }, delta),
    leader: (isLeader) => master.set({ name: options.leaseName }, isLeader ? 1 : 0),
    watchRestarted: (resource, reason) => restarts.inc({ resource, reason }),
    watchUnparsableLine: (resource) => unparsable.inc({ resource }),
  }
}
