/** Metric names kept from the Go sidecar so existing dashboards keep working, and their closed label values. */

export const SIDECAR_METRICS = {
  taskSubmissions: 'seictl_task_submissions_total',
  taskFailures: 'seictl_task_failures_total',
  taskExecutionDuration: 'seictl_task_execution_duration_seconds',
  authnRejections: 'seictl_sidecar_authn_rejections_total',
} as const

/** Values of `reason` on the authn rejection counter. */
export const AUTHN_REJECTION_REASONS = ['missing_header', 'duplicate_header', 'empty_header'] as const
export type AuthnRejectionReason = (typeof AUTHN_REJECTION_REASONS)[number]

/** Values of `status` on the task duration histogram. */
export const TASK_STATUSES = ['running', 'completed', 'failed'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/**
 * prom-client's default Node.js metrics that are gauges named `*_total`, which `promtool check metrics`
 * rejects (the suffix promises a counter). The sidecar and the controller remove them from their
 * registries after `collectDefaultMetrics`; the per-type gauges without the suffix carry the same
 * information.
 */
export const PROM_CLIENT_GAUGES_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const
