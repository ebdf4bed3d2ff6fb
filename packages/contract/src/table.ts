/** A human-readable table of the contract, printed by `npm run demo` and the `sei-contract` bin. */

import { AUTHN_MODES, ENV, ENV_DEFAULTS } from './env.js'
import { HEADERS, PUBLIC_PATHS, TASK_API_PATHS } from './http.js'
import { LABELS, ROLE_BLOCKS } from './labels.js'
import { CONTAINERS, CONTROLLER, MONITORING } from './names.js'
import { BIND, PORT_NAMES, PORTS, proxyUpstreamUrl, SEID_PORTS } from './ports.js'
import { RBAC_PROXY, rbacProxyConfigMapName, TASK_RESOURCE } from './rbac-proxy.js'
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
      `${BIND.public}:${PORTS.public}`,
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
  const defaults: Record<string, string> = {
    [ENV.sidecarPort]: String(ENV_DEFAULTS.sidecarPort),
    [ENV.sidecarPublicPort]: String(ENV_DEFAULTS.sidecarPublicPort),
    [ENV.sidecarAuthnMode]: `${ENV_DEFAULTS.sidecarAuthnMode} (one of ${AUTHN_MODES.join(', ')})`,
    [ENV.home]: ENV_DEFAULTS.home,
    [ENV.chainId]: '(required)',
  }
  const env = Object.values(ENV).map((name): Row => [name, defaults[name] ?? '(unset)', ''])
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
    section('HTTP paths (listener)', paths),
    section('Labels (PUBLIC: NetworkPolicies and PodMonitors select on them)', labels),
    section('Names', names),
  ].join('\n\n')
}
