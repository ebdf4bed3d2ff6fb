/** A human-readable table of the contract, printed by `npm run demo` and the `sei-contract` bin. */

import { AUTHN_MODES, ENV, formatEnvDefault } from './env.js'
import { HEADERS, PUBLIC_PATHS, TASK_API_PATHS } from './http.js'
import { LABELS, ROLE_BLOCKS } from './labels.js'
import { CONTAINERS, CONTROLLER, MONITORING } from './names.js'
import {
  BIND,
  formatHostPort,
  PORT_NAMES,
  PORTS,
  PUBLIC_BIND_IPV4_FALLBACK,
  proxyUpstreamUrl,
  SEID_PORTS,
} from './ports.js'
import { RBAC_PROXY, rbacProxyConfigMapName, TASK_RESOURCE } from './rbac-proxy.js'
import { SIDECAR_LIMITS } from './sidecar-limits.js'
import { CONTRACT_VERSION } from './version.js'

type Row = readonly [string, string, string]

function section(title: string, rows: readonly Row[]): string {
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)))
  const lines = rows.map(([a, b, c]) =>
    `  ${a.padEnd(widths[0] ?? 0)}  ${b.padEnd(widths[1] ?? 0)}  ${c}`.trimEnd(),
  )
  return [`${title}`, ...lines].join('\n')
}

/** Renders every contract value as aligned text sections. Pure. */
export function formatContractTable(): string {
  const listeners: Row[] = [
    [
      'tasks',
      `${BIND.tasks}:${PORTS.tasks}`,
      `task API, loopback only, behind kube-rbac-proxy (${ENV.sidecarPort})`,
    ],
    [
      'public',
      `${formatHostPort(BIND.public, PORTS.public)} (IPv4 fallback ${PUBLIC_BIND_IPV4_FALLBACK})`,
      `health + metrics, no auth, port name ${PORT_NAMES.public} (${ENV.sidecarPublicPort})`,
    ],
    [
      'proxy',
      `${BIND.proxy}:${PORTS.proxy}`,
      `kube-rbac-proxy, port name ${PORT_NAMES.proxy}, upstream ${proxyUpstreamUrl()}`,
    ],
    ...Object.values(SEID_PORTS).map(
      (p): Row => [
        `seid ${p.name}`,
        String(p.port),
        'appProtocol' in p ? `appProtocol ${p.appProtocol}` : '',
      ],
    ),
  ]
  const env = (Object.keys(ENV) as Array<keyof typeof ENV>).map(
    (key): Row => [
      ENV[key],
      formatEnvDefault(key),
      key === 'sidecarAuthnMode' ? `one of ${AUTHN_MODES.join(', ')}` : '',
    ],
  )
  const limits: Row[] = [
    ['params depth / keys', `${SIDECAR_LIMITS.params.maxDepth} / ${SIDECAR_LIMITS.params.maxKeys}`, '400'],
    [
      'params bytes / expanded',
      `${SIDECAR_LIMITS.params.maxEncodedBytes} / ${SIDECAR_LIMITS.params.maxExpandedBytes}`,
      '400',
    ],
    ['config file bytes', String(SIDECAR_LIMITS.maxConfigFileBytes), 'task fails, file unchanged'],
    [
      'running tasks',
      `${SIDECAR_LIMITS.tasks.maxRunning} (per type ${SIDECAR_LIMITS.tasks.maxRunningPerType})`,
      'the rest wait in a durable queue',
    ],
    [
      'queued tasks',
      String(SIDECAR_LIMITS.tasks.maxQueued),
      `429, Retry-After ${SIDECAR_LIMITS.tasks.retryAfterSeconds}`,
    ],
  ]
  const paths: Row[] = [
    ...Object.values(PUBLIC_PATHS).map((p): Row => [p, 'public', 'no auth']),
    ...Object.values(TASK_API_PATHS).map((p): Row => [p, 'tasks', `needs ${HEADERS.remoteUser}`]),
  ]
  const labels: Row[] = [
    ...Object.values(LABELS).map((key): Row => [key, key === LABELS.node ? 'selector' : 'resource', '']),
    ...Object.entries(ROLE_BLOCKS).map(
      ([block, role]): Row => [`spec.${block}`, `${LABELS.role}=${role}`, ''],
    ),
  ]
  const names: Row[] = [
    ['containers', Object.values(CONTAINERS).join(', '), ''],
    [
      'proxy config',
      `ConfigMap ${rbacProxyConfigMapName('<node>')}, key ${RBAC_PROXY.configKey}`,
      RBAC_PROXY.image,
    ],
    ['proxy SAR', `apiGroup sei.io, resource ${TASK_RESOURCE}`, 'namespace + name of the SeiNode'],
    ['controller', `${CONTROLLER.namespace}/${CONTROLLER.serviceAccount}`, 'ServiceAccount'],
    ['monitoring', MONITORING.namespace, 'namespace'],
  ]
  return [
    `sei-k8s contract v${CONTRACT_VERSION}`,
    section('Listeners and ports', listeners),
    section('Sidecar environment (default)', env),
    section('Sidecar task limits', limits),
    section('HTTP paths (listener)', paths),
    section('Labels (PUBLIC: NetworkPolicies and PodMonitors select on them)', labels),
    section('Names', names),
  ].join('\n\n')
}
