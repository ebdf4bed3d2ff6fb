/**
 * Ports and bind addresses of a Sei node pod. Every other package reads these; none repeats a number.
 *
 * The split matters for security: the tasks listener trusts the `X-Remote-User` header only because
 * it is bound to loopback, where only kube-rbac-proxy (same pod) can reach it.
 */

/** Listening ports of the sidecar and its proxy. */
export const PORTS = {
  /** Sidecar task API. Loopback only; never a container port, Service port or NetworkPolicy port. */
  tasks: 7777,
  /** Sidecar public listener: health probes and metrics, no authentication. PUBLIC: NetworkPolicies allow it. */
  public: 9100,
  /** kube-rbac-proxy in front of the task API. PUBLIC: NetworkPolicies allow it from the controller only. */
  proxy: 8443,
} as const satisfies Record<string, number>

/**
 * Bind hosts. `tasks` must stay loopback: see the module comment. `public` is `::` with IPv4 mapped
 * (dual-stack), so probes and scrapes work on IPv4, IPv6 and dual-stack clusters alike.
 */
export const BIND = {
  tasks: '127.0.0.1',
  public: '::',
  proxy: '0.0.0.0',
} as const satisfies Record<keyof typeof PORTS, string>

/** Where the public listener binds instead of `BIND.public` when the kernel has no IPv6. */
export const PUBLIC_BIND_IPV4_FALLBACK = '0.0.0.0'

/** `host:port` as written in logs and tables: an IPv6 host in brackets (`[::]:9100`). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Kubernetes port names (IANA_SVC_NAME: at most 15 characters, lowercase alphanumerics and '-'). */
export const PORT_NAMES = {
  proxy: 'api',
  public: 'sidecar-public',
} as const satisfies Record<Exclude<keyof typeof PORTS, 'tasks'>, string>

/** One port of the seid container, as it appears in the pod spec and the headless Service. */
export interface SeidPort {
  readonly name: string
  readonly port: number
  readonly appProtocol?: string
}

/** The seid (chain daemon) ports, in the order they are rendered. */
export const SEID_PORTS = {
  evmRpc: { name: 'evm-rpc', port: 8545 },
  evmWs: { name: 'evm-ws', port: 8546 },
  grpc: { name: 'grpc', port: 9090, appProtocol: 'kubernetes.io/h2c' },
  rest: { name: 'rest', port: 1317 },
  p2p: { name: 'p2p', port: 26656 },
  rpc: { name: 'rpc', port: 26657 },
  metrics: { name: 'metrics', port: 26660 },
} as const satisfies Record<string, SeidPort>

export type SeidPortKey = keyof typeof SEID_PORTS

/** The lowest and highest valid TCP port. */
export const PORT_RANGE = { min: 1, max: 65535 } as const

/**
 * The URL kube-rbac-proxy forwards to: the sidecar's loopback tasks listener.
 * The trailing slash matters: kube-rbac-proxy joins the request path onto it.
 */
export function proxyUpstreamUrl(tasksPort: number = PORTS.tasks): string {
  return `http://${BIND.tasks}:${tasksPort}/`
}
