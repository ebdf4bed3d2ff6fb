/**
 * PURE: `run`'s argv → options (everything but the platform config file, which cli.ts reads). Each bad
 * value is a usage error naming the flag and the value.
 */
import { parseArgs } from 'node:util'
import {
  CONTROLLER_LEADER_ELECTION_ID,
  CONTROLLER_PORTS,
  K8S_NAME_MAX_LENGTH,
  K8S_NAME_PATTERNS,
  SIDECAR_CLIENT,
  SIDECAR_URL_PLACEHOLDERS,
} from '@sei-k8s/contract'

export interface RunArgs {
  /** undefined: in-cluster config. */
  readonly kubeconfigPath: string | undefined
  /** Empty: every namespace. */
  readonly namespaces: readonly string[]
  readonly configPath: string | undefined
  readonly concurrency: number
  readonly isLeaderElect: boolean
  /** undefined: the pod's namespace (in-cluster), else CONTROLLER.namespace. */
  readonly leaderElectionNamespace: string | undefined
  readonly leaderElectionId: string
  readonly healthPort: number
  readonly metricsPort: number
  readonly bindAddress: string
  readonly watchdogMs: number
  readonly logLevel: string
  readonly sidecarUrlTemplate: string
  readonly sidecarUrlMapPath: string | undefined
  readonly sidecarTokenPath: string
  readonly sidecarPollMs: number
  readonly isHelp: boolean
}

const RUN_DEFAULTS = {
  concurrency: 4,
  bindAddress: '0.0.0.0',
  watchdogSeconds: 180,
  logLevel: 'info',
} as const

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']
const DNS1123_LABEL = new RegExp(K8S_NAME_PATTERNS.dns1123Label)

export class RunUsageError extends Error {}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new RunUsageError(`--${flag} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

function bool(flag: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  throw new RunUsageError(`--${flag} must be true or false, got "${raw}"`)
}

function checkTemplate(template: string): void {
  const unknown = (template.match(/\{[^}]*\}/g) ?? []).filter(
    (p) => !(SIDECAR_URL_PLACEHOLDERS as readonly string[]).includes(p),
  )
  if (!/^https?:\/\/[^/]/.test(template) || unknown.length > 0) {
    throw new RunUsageError(
      `--sidecar-url-template must be an http(s) URL using only ${SIDECAR_URL_PLACEHOLDERS.join(', ')}, got "${template}"`,
    )
  }
}

/** Parses `run`'s flags. Throws RunUsageError (or node's ERR_PARSE_ARGS_* for an unknown flag). */
export function parseRunArgs(args: readonly string[]): RunArgs {
  // `--leader-elect` alone means true, as in controller-runtime's flag package.
  const normalised = args.map((a) => (a === '--leader-elect' ? '--leader-elect=true' : a))
  const { values } = parseArgs({
    args: normalised,
    options: {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string', short: 'n', multiple: true },
      config: { type: 'string' },
      concurrency: { type: 'string' },
      'leader-elect': { type: 'string' },
      'leader-election-namespace': { type: 'string' },
      'leader-election-id': { type: 'string' },
      'health-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      'bind-address': { type: 'string' },
      'watchdog-seconds': { type: 'string' },
      'log-level': { type: 'string' },
      'sidecar-url-template': { type: 'string' },
      'sidecar-url-map': { type: 'string' },
      'sidecar-token-file': { type: 'string' },
      'sidecar-poll-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  const namespaces = [...new Set(values.namespace ?? [])].sort()
  for (const ns of namespaces) {
    if (!DNS1123_LABEL.test(ns) || ns.length > K8S_NAME_MAX_LENGTH.label)
      throw new RunUsageError(`--namespace "${ns}" is not a namespace name`)
  }
  const logLevel = values['log-level'] ?? RUN_DEFAULTS.logLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new RunUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  }
  const sidecarUrlTemplate = values['sidecar-url-template'] ?? SIDECAR_CLIENT.urlTemplate
  checkTemplate(sidecarUrlTemplate)
  if (values['sidecar-url-map'] === '') throw new RunUsageError('--sidecar-url-map must name a file')
  return {
    kubeconfigPath: values.kubeconfig,
    namespaces,
    configPath: values.config,
    concurrency: integer('concurrency', values.concurrency, RUN_DEFAULTS.concurrency, 1, 256),
    isLeaderElect: bool('leader-elect', values['leader-elect']),
    leaderElectionNamespace: values['leader-election-namespace'],
    leaderElectionId: values['leader-election-id'] ?? CONTROLLER_LEADER_ELECTION_ID,
    healthPort: integer('health-port', values['health-port'], CONTROLLER_PORTS.health, 0, 65535),
    metricsPort: integer('metrics-port', values['metrics-port'], CONTROLLER_PORTS.metrics, 0, 65535),
    bindAddress: values['bind-address'] ?? RUN_DEFAULTS.bindAddress,
    watchdogMs:
      integer('watchdog-seconds', values['watchdog-seconds'], RUN_DEFAULTS.watchdogSeconds, 1, 86400) * 1000,
    logLevel,
    sidecarUrlTemplate,
    sidecarUrlMapPath: values['sidecar-url-map'],
    sidecarTokenPath: values['sidecar-token-file'] ?? SIDECAR_CLIENT.tokenPath,
    sidecarPollMs:
      integer(
        'sidecar-poll-seconds',
        values['sidecar-poll-seconds'],
        SIDECAR_CLIENT.pollPeriodMs / 1000,
        1,
        3600,
      ) * 1000,
    isHelp: values.help === true,
  }
}

export const RUN_HELP = `run options:
      --kubeconfig <file>         kubeconfig to use; without it, the in-cluster ServiceAccount token and CA.
  -n, --namespace <ns>            Watch SeiNodes in this namespace; repeatable (default: every namespace).
      --config <file>             Platform config YAML (see render's --config).
      --concurrency <n>           Reconciles at once, 1-256 (default ${RUN_DEFAULTS.concurrency}).
      --leader-elect[=true|false] Elect a leader on a coordination.k8s.io Lease before reconciling
                                  (default false; the shipped Deployment passes true).
      --leader-election-namespace <ns>  Namespace of the Lease (default: the kubeconfig context's
                                  namespace; in a pod its own; else sei-k8s-controller-system).
      --leader-election-id <name> Name of the Lease (default ${CONTROLLER_LEADER_ELECTION_ID}).
      --health-port <port>        /healthz and /readyz (default ${CONTROLLER_PORTS.health}; 0 picks a free port).
      --metrics-port <port>       /metrics, controller-runtime metric names (default ${CONTROLLER_PORTS.metrics}).
      --bind-address <addr>       Address of both listeners (default ${RUN_DEFAULTS.bindAddress}).
      --watchdog-seconds <s>      Relist a watch that delivered no event or bookmark for this long
                                  (default ${RUN_DEFAULTS.watchdogSeconds}).
      --log-level <level>         trace|debug|info|warn|error|fatal (default ${RUN_DEFAULTS.logLevel}); JSON lines on stdout.

  Each node's sidecar is driven through its kube-rbac-proxy (init plan, SidecarReady):
      --sidecar-url-template <url>  Base URL of a node's proxy; placeholders {name}, {namespace}, {port}
                                  (the proxy port). Default ${SIDECAR_CLIENT.urlTemplate}
      --sidecar-url-map <file>    JSON object {"<namespace>/<name>": "http://127.0.0.1:PORT"} consulted
                                  before the template and re-read when the file changes (mtime), so
                                  entries may be added while running (tests, demos on loopback).
      --sidecar-token-file <file> Bearer token for the proxy, re-read when it changes and after a 401
                                  (default ${SIDECAR_CLIENT.tokenPath}).
      --sidecar-poll-seconds <s>  SidecarReady poll period once a node is initialised, 1-3600
                                  (default ${SIDECAR_CLIENT.pollPeriodMs / 1000}).
`
