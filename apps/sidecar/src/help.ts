/** `sei-sidecar --help`: what it does, every env variable with its default, and the task types. */
import {
  AUTHN_MODES,
  BIND,
  ENV,
  ENV_DEFAULTS,
  PUBLIC_PATHS,
  SEID_RPC_DEFAULT_URL,
  TASK_API_PATHS,
} from '@sei-k8s/contract'
import type { TaskDefinition } from './engine/registry.js'

export function helpText(tasks: readonly TaskDefinition[]): string {
  const env: Array<[string, string, string]> = [
    [ENV.sidecarPort, String(ENV_DEFAULTS.sidecarPort), `tasks listener port (binds ${BIND.tasks} only)`],
    [
      ENV.sidecarPublicPort,
      String(ENV_DEFAULTS.sidecarPublicPort),
      `public health/metrics port (binds ${BIND.public})`,
    ],
    [
      ENV.sidecarAuthnMode,
      ENV_DEFAULTS.sidecarAuthnMode,
      `one of ${AUTHN_MODES.join(', ')} (unauthenticated: local development only)`,
    ],
    [ENV.home, ENV_DEFAULTS.home, 'data directory: seid config and the task store (sidecar/tasks.db)'],
    [ENV.chainId, '(required)', 'chain id; config-validate checks client.toml against it'],
    [
      ENV.sidecarLegacyPublicOnTasks,
      'false',
      'rollout switch: also serve the public paths on the tasks port, no identity',
    ],
    [ENV.seidRpcUrl, SEID_RPC_DEFAULT_URL, "seid's CometBFT RPC, polled by await-condition"],
  ]
  const width = Math.max(...env.map(([name]) => name.length))
  const defWidth = Math.max(...env.map(([, def]) => def.length))
  const typeWidth = Math.max(...tasks.map((t) => t.type.length))
  return [
    'sei-sidecar: per-pod sidecar of a Sei node',
    '',
    'Usage: sei-sidecar [--help]   (configured by environment variables only)',
    '',
    'Listeners:',
    `  tasks   ${BIND.tasks}:<${ENV.sidecarPort}>  ${Object.values(TASK_API_PATHS).join(' ')}`,
    '          every request needs exactly one non-empty X-Remote-User (set by kube-rbac-proxy)',
    `  public  ${BIND.public}:<${ENV.sidecarPublicPort}>  ${Object.values(PUBLIC_PATHS).join(' ')} (no auth)`,
    '',
    'Environment (default):',
    ...env.map(([name, def, what]) => `  ${name.padEnd(width)}  ${def.padEnd(defWidth)}  ${what}`),
    '',
    `Task types (POST ${TASK_API_PATHS.tasks} {"type", "id"?, "params"?}):`,
    ...tasks.map((t) => `  ${t.type.padEnd(typeWidth)}  ${t.summary}`),
    '',
    'Signals: SIGTERM/SIGINT drain (healthz 503), leave running tasks for the next start, exit 0.',
    'Exit codes: 0 ok, 1 invalid configuration or start-up failure, 2 usage.',
    '',
  ].join('\n')
}
