/**
 * Names the controller's `run` command exposes to the outside: metric names (controller-runtime's, so
 * kubebuilder dashboards work unchanged), leader election timings, Event reasons and the annotation that
 * records the applied intent. Dashboards, alerts and `kubectl get events --field-selector reason=…` read
 * these; renaming one breaks them.
 */

/** Metric names, as controller-runtime and client-go's workqueue publish them. */
export const CONTROLLER_METRICS = {
  reconcileTotal: 'controller_runtime_reconcile_total',
  reconcileErrors: 'controller_runtime_reconcile_errors_total',
  terminalReconcileErrors: 'controller_runtime_terminal_reconcile_errors_total',
  reconcilePanics: 'controller_runtime_reconcile_panics_total',
  reconcileTime: 'controller_runtime_reconcile_time_seconds',
  activeWorkers: 'controller_runtime_active_workers',
  maxConcurrentReconciles: 'controller_runtime_max_concurrent_reconciles',
  queueDepth: 'workqueue_depth',
  queueAdds: 'workqueue_adds_total',
  queueRetries: 'workqueue_retries_total',
  queueDuration: 'workqueue_queue_duration_seconds',
  workDuration: 'workqueue_work_duration_seconds',
  longestRunningProcessor: 'workqueue_longest_running_processor_seconds',
  leaderElectionMasterStatus: 'leader_election_master_status',
  /** Ours: watch restarts by resource and reason (closed set WATCH_RESTART_REASONS). */
  watchRestarts: 'sei_controller_watch_restarts_total',
  /** Ours: watch stream lines that were not a JSON watch event (client-node drops these silently). */
  watchUnparsableLines: 'sei_controller_watch_unparsable_lines_total',
} as const

/** Values of `result` on controller_runtime_reconcile_total. */
export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number]

/** Values of `reason` on the watch restart counter. */
export const WATCH_RESTART_REASONS = ['gone', 'error', 'closed', 'watchdog'] as const
export type WatchRestartReason = (typeof WATCH_RESTART_REASONS)[number]

/** Leader election on a coordination.k8s.io/v1 Lease, controller-runtime's defaults. */
export const LEADER_ELECTION = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const

/** `reason` of the Events the controller emits (events.k8s.io/v1). */
export const EVENT_REASONS = {
  phaseChanged: 'PhaseChanged',
  stalled: 'Stalled',
} as const

/**
 * Annotation on every applied object: a hash of the intent the controller last applied. With the owned
 * fields compared against the cache, it lets a resync skip the apply (zero writes) without missing a
 * field the controller stopped setting.
 */
export const APPLIED_HASH_ANNOTATION = 'sei.io/applied-hash'
