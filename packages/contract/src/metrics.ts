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
