/** `sei-sidecar --help`: what it does, every env variable with its default, the limits and task types. */
import {
  AUTHN_MODES,
  BIND,
  ENV,
  formatEnvDefault,
  PUBLIC_BIND_IPV4_FALLBACK,
  PUBLIC_PATHS,
  SIDECAR_LIMITS,
  TASK_API_PATHS,
} from '@sei-k8s/contract'
import type { TaskDefinition } from './engine/registry.js'

/** What each variable does; its default comes from the contract (`ENV_DEFAULTS`), never from here. */
const ENV_HELP: Record<keyof typeof ENV, string> = {
  sidecarPort: `tasks listener port (binds ${BIND.tasks} only)`,
  sidecarPublicPort: `public health/metrics port (binds ${BIND.public} dual-stack, ${PUBLIC_BIND_IPV4_FALLBACK} without IPv6)`,
  sidecarAuthnMode: `one of ${AUTHN_MODES.join(', ')} (unauthenticated: local development only)`,
  sidecarLegacyPublicOnTasks: 'rollout switch: also serve the public paths on the tasks port, no identity',
  seidRpcUrl: "seid's CometBFT RPC, polled by await-condition",
  home: 'data directory: seid config and the task store (sidecar/tasks.db)',
  chainId: 'chain id; config-validate and generate-identity check against it',
  sidecarTaskRetentionHours: 'finished tasks older than this are pruned (hours)',
  sidecarTaskRetentionCount: 'at most this many finished tasks are kept (newest)',
}

function limitsHelp(): string[] {
  const { params, tasks } = SIDECAR_LIMITS
  return [
    `  params: depth ${params.maxDepth}, keys ${params.maxKeys}, ${params.maxEncodedBytes} bytes encoded, ` +
      `${params.maxExpandedBytes} bytes expanded (400 naming the limit)`,
    `  config files: at most ${SIDECAR_LIMITS.maxConfigFileBytes} bytes after a patch (else the task fails, file unchanged)`,
    `  running tasks: ${tasks.maxRunning} overall, ${tasks.maxRunningPerType} per type, 1 per lane (config writers);`,
    `  then a durable queue in submission order of ${tasks.maxQueued}; beyond it 429, Retry-After ${tasks.retryAfterSeconds}`,
    `  store locked by another process: 503, Retry-After ${SIDECAR_LIMITS.storeBusyRetryAfterSeconds}`,
  ]
}

export function helpText(tasks: readonly TaskDefinition[]): string {
  const keys = Object.keys(ENV) as Array<keyof typeof ENV>
  const width = Math.max(...keys.map((key) => ENV[key].length))
  const defWidth = Math.max(...keys.map((key) => formatEnvDefault(key).length))
  const typeWidth = Math.max(...tasks.map((t) => t.type.length))
  return [
    'sei-sidecar: per-pod sidecar of a Sei node',
    '',
    'Usage: sei-sidecar [--help]   (configured by environment variables only)',
    '',
    'Listeners:',
    `  tasks   ${BIND.tasks}:<${ENV.sidecarPort}>  ${Object.values(TASK_API_PATHS).join(' ')}`,
    '          every request needs exactly one non-empty X-Remote-User (set by kube-rbac-proxy)',
    `  public  [${BIND.public}]:<${ENV.sidecarPublicPort}>  ${Object.values(PUBLIC_PATHS).join(' ')} (no auth)`,
    '',
    'Environment (default):',
    ...keys.map(
      (key) => `  ${ENV[key].padEnd(width)}  ${formatEnvDefault(key).padEnd(defWidth)}  ${ENV_HELP[key]}`,
    ),
    '',
    'Limits:',
    ...limitsHelp(),
    '',
    `Task types (POST ${TASK_API_PATHS.tasks} {"type", "id"?, "params"?}):`,
    ...tasks.map((t) => `  ${t.type.padEnd(typeWidth)}  ${t.summary}`),
    '',
    'Signals: SIGTERM/SIGINT drain (healthz 503), leave running tasks for the next start, exit 0.',
    'Exit codes: 0 ok, 1 invalid configuration or start-up failure, 2 usage.',
    '',
  ].join('\n')
}
