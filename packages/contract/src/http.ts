/** HTTP paths and headers of the sidecar, split by listener. No path may appear in both sets. */

/**
 * Paths served by the public listener without authentication. PUBLIC: kubelet probes, Prometheus and
 * seid's start script depend on them.
 */
export const PUBLIC_PATHS = {
  /** Readiness: 200 after mark-ready, 503 before, after mark-not-ready and while draining. */
  healthz: '/v0/healthz',
  /** Liveness: the process responds and its store answers. */
  livez: '/v0/livez',
  /** Start-up finished (store open, tasks rehydrated, listeners bound). Never waits for mark-ready. */
  startupz: '/v0/startupz',
  /** Prometheus exposition. */
  metrics: '/v0/metrics',
} as const satisfies Record<string, `/v0/${string}`>

/** Paths of the task API, served only by the loopback tasks listener (so only through kube-rbac-proxy). */
export const TASK_API_PATHS = {
  /** POST submits a task, GET lists the newest ones. */
  tasks: '/v0/tasks',
  /** GET one task, DELETE cancels and removes it. `:id` is a UUID. */
  task: '/v0/tasks/:id',
  /** GET `{"status": "Initializing" | "Ready"}`. */
  status: '/v0/status',
  /** GET `{"nodeId"}` from the node key. */
  nodeId: '/v0/node-id',
} as const satisfies Record<string, `/v0/${string}`>

export type PublicPath = (typeof PUBLIC_PATHS)[keyof typeof PUBLIC_PATHS]
export type TaskApiPath = (typeof TASK_API_PATHS)[keyof typeof TASK_API_PATHS]

/** Builds the concrete path of one task. */
export function taskPath(id: string): string {
  return TASK_API_PATHS.task.replace(':id', encodeURIComponent(id))
}

/** Paths served by seid's CometBFT RPC that the platform uses. */
export const SEID_PATHS = {
  /** 200 when the node is caught up; the seid readiness probe. */
  lagStatus: '/lag_status',
  /** CometBFT status (height, catching_up); polled by the await-condition task. */
  status: '/status',
} as const

/**
 * Identity headers set by kube-rbac-proxy (`--auth-header-fields-enabled`), overwriting client values.
 * The sidecar trusts them only on its loopback listener and rejects a duplicated user header.
 */
export const HEADERS = {
  remoteUser: 'X-Remote-User',
  remoteGroups: 'X-Remote-Groups',
} as const

/** kube-rbac-proxy joins the caller's groups with this separator. */
export const REMOTE_GROUPS_SEPARATOR = '|'
