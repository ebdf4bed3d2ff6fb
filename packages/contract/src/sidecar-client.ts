/**
 * How the controller drives a node's sidecar through kube-rbac-proxy: the task types it submits, the
 * namespace of its deterministic task ids, the default addressing of a node's proxy, per-call deadlines,
 * polling periods and the names of its metrics. The end-to-end suite computes task ids and reads these
 * metrics from here too.
 */

import { IN_CLUSTER } from './in-cluster.js'
import { SEID_PORTS } from './ports.js'

/** Task types of the sidecar that the controller submits (the sidecar registers them under these names). */
export const SIDECAR_TASK_TYPES = {
  generateIdentity: 'generate-identity',
  configPatch: 'config-patch',
  configValidate: 'config-validate',
  markReady: 'mark-ready',
  restartSeid: 'restart-seid',
} as const
export type SidecarTaskType = (typeof SIDECAR_TASK_TYPES)[keyof typeof SIDECAR_TASK_TYPES]

/**
 * UUIDv5 namespace of the controller's task ids: id = uuidv5(`<SeiNode uid>/<plan generation>/<task
 * type>/<index>`, this). Fixed forever: a controller restart or a second leader must derive the same ids.
 */
export const SIDECAR_TASK_ID_NAMESPACE = '3b7c5f0e-8a41-5d2e-9f36-6c1d2b8e4a70'

/** Placeholders of the sidecar URL template. */
export const SIDECAR_URL_PLACEHOLDERS = ['{name}', '{namespace}', '{port}'] as const

export const SIDECAR_CLIENT = {
  /**
   * Base URL of a node's kube-rbac-proxy: pod 0 of the StatefulSet through the headless Service
   * (`{port}` is the proxy port of the contract, PORTS.rbacProxy).
   */
  urlTemplate: 'http://{name}-0.{name}.{namespace}.svc.cluster.local:{port}',
  /** The projected ServiceAccount token of the controller pod. */
  tokenPath: `${IN_CLUSTER.serviceAccountDir}/${IN_CLUSTER.files.token}`,
  /** Per-call deadlines. */
  timeoutsMs: { status: 2_000, nodeId: 2_000, submit: 30_000, get: 15_000 },
  /** SidecarReady poll period once the node is initialised (flag --sidecar-poll-seconds). */
  pollPeriodMs: 30_000,
  /** First look at a task just submitted (most finish within milliseconds). */
  submittedPollMs: 250,
  /** Poll period while a task of a plan runs. */
  taskPollMs: 1_000,
  /** Poll period while the sidecar does not answer before its init plan completed (never above pollPeriodMs). */
  unreachableInitPollMs: 5_000,
  /** A failed plan task is resubmitted after base × 2^(run-1), capped. */
  taskRetry: { baseMs: 2_000, maxMs: 300_000 },
} as const

/** Metric names of the controller's sidecar client. */
export const SIDECAR_CLIENT_METRICS = {
  requests: 'sei_controller_sidecar_requests_total',
  requestDuration: 'sei_controller_sidecar_request_duration_seconds',
} as const

/** Values of `operation` on the sidecar client metrics. */
export const SIDECAR_OPERATIONS = ['status', 'node-id', 'submit', 'get'] as const
export type SidecarOperation = (typeof SIDECAR_OPERATIONS)[number]

/**
 * Values of `code` on the sidecar client metrics: the HTTP status as a string, or one of these when no
 * response arrived. Every operation starts at 0 for `SIDECAR_KNOWN_CODES`.
 */
export const SIDECAR_NO_RESPONSE_CODES = ['unreachable', 'timeout', 'no_token'] as const
export const SIDECAR_KNOWN_CODES = ['200', '201', '401', '403', '404', ...SIDECAR_NO_RESPONSE_CODES] as const

/** A `spec.peers` entry for another SeiNode: `<status.nodeId>@<node>-0.<node>.<namespace>.svc:26656`. */
export function peerAddress(nodeId: string, nodeName: string, namespace: string): string {
  return `${nodeId}@${nodeName}-0.${nodeName}.${namespace}.svc:${SEID_PORTS.p2p.port}`
}
