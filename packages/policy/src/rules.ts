/**
 * What each node policy allows, independent of the policy dialect. Pure.
 *
 * Selecting a pod for Ingress denies every port no policy allows, so besides the proxy and public ports
 * the plan also opens the chain ports: a policy set that silently cut off p2p would be an outage.
 * Every port comes from the contract. The sidecar's tasks port is loopback-only and never listed;
 * `assertNoTasksPort` turns a mistake here into an error instead of an exposure.
 */
import { PORT_NAMES, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import type { PolicyOptions } from './input.js'

/** A container port: NetworkPolicy matches after DNAT, so Service ports never appear here. */
export interface PortRef {
  readonly name: string
  readonly port: number
}

/** Who may connect. Each dialect renders these; none of them may render to "allow all" by accident. */
export type Source =
  /** Any source, in or outside the cluster. */
  | { readonly kind: 'anywhere' }
  /** Any pod in the node's own namespace. */
  | { readonly kind: 'sameNamespace' }
  /** Pods in `namespace` matching ALL of `podLabels` (empty: every pod there). One peer: AND. */
  | { readonly kind: 'namespace'; readonly namespace: string; readonly podLabels: Labels }
  /**
   * The controller: namespace AND pod labels in every flavor, AND its ServiceAccount where the dialect
   * can select one (Cilium, Calico), all in one peer.
   */
  | {
      readonly kind: 'controller'
      readonly namespace: string
      readonly podLabels: Labels
      readonly serviceAccount: string
    }
  /** Addresses outside the pod network. */
  | { readonly kind: 'cidrs'; readonly cidrs: readonly string[] }
  /**
   * The kubelet of the pod's own node (probes). Cilium names it (`host` entity); vanilla and Calico
   * have no peer for it and rely on the CNI admitting local-node traffic (see the README, per CNI).
   */
  | { readonly kind: 'localNode' }
  /**
   * Every node's addresses, for CNIs that police kubelet traffic: node CIDRs (vanilla, Calico), or
   * Cilium's `remote-node` entity when `remote` (allowRemoteNodes). Never on the proxy port: on CNIs
   * whose pod IPs come from the node subnet, a node CIDR admits ordinary pods.
   */
  | { readonly kind: 'nodes'; readonly cidrs: readonly string[]; readonly remote: boolean }

export type Labels = Readonly<Record<string, string>>

export interface IngressRule {
  readonly ports: readonly PortRef[]
  readonly sources: readonly Source[]
}

/** One generated policy: its name suffix, why it exists, and its rules (OR-ed, as in Kubernetes). */
export interface PolicyPlan {
  readonly name: string
  readonly description: string
  readonly rules: readonly IngressRule[]
}

export const PROXY_PORT: PortRef = { name: PORT_NAMES.proxy, port: PORTS.proxy }
const { evmRpc, evmWs, grpc, rest, p2p, rpc, metrics } = SEID_PORTS
/** Ports of clients of the chain: RPC, REST, gRPC and EVM. */
export const CLIENT_PORTS: readonly PortRef[] = [evmRpc, evmWs, grpc, rest, rpc].sort(
  (a, b) => a.port - b.port,
)

/** Prefix of every generated policy's name. */
export const POLICY_NAME_PREFIX = 'sei-node'

/**
 * The policies for one namespace. Kubelet probe targets get the `localNode` source: the sidecar
 * probes and seid's startup probe (public port), kube-rbac-proxy's tcpSocket liveness (proxy port;
 * every request there still needs TokenReview + SAR), seid readiness (`/lag_status` on rpc; TCP p2p
 * for seeds). The `nodes` source (node CIDRs) goes on the same ports except the proxy port.
 */
export function planNodePolicies(options: PolicyOptions, namespace: string): readonly PolicyPlan[] {
  const localNode: Source = { kind: 'localNode' }
  const nodes: Source = { kind: 'nodes', cidrs: options.nodeCidrs, remote: options.allowRemoteNodes }
  // A SeiNode may move its public listener (spec.sidecar.publicPort): every configured port is opened.
  const publicPorts = options.publicPorts.map((port): PortRef => ({ name: PORT_NAMES.public, port }))
  const monitoring: Source = {
    kind: 'namespace',
    namespace: options.monitoringNamespace,
    podLabels: options.prometheusPodLabels,
  }
  const controller: Source = {
    kind: 'controller',
    namespace: options.controllerNamespace,
    podLabels: options.controllerPodLabels,
    serviceAccount: options.controllerServiceAccount,
  }
  const rpcSources = sourcesFrom(options.rpcFrom.filter((source) => source !== namespace))
  const p2pSources: readonly Source[] =
    options.p2pFrom.length === 0
      ? [{ kind: 'anywhere' }]
      : [...sourcesFrom(options.p2pFrom), localNode, nodes]
  const plans: PolicyPlan[] = [
    {
      name: `${POLICY_NAME_PREFIX}-proxy`,
      description: `kube-rbac-proxy :${PORTS.proxy} (task API, SAR-checked) only from the controller (and kubelet liveness)`,
      rules: [
        { ports: [PROXY_PORT], sources: [controller] },
        // The tcpSocket liveness probe comes from the local kubelet; never an address range here.
        { ports: [PROXY_PORT], sources: [localNode] },
      ],
    },
    {
      name: `${POLICY_NAME_PREFIX}-public`,
      description: `sidecar health and metrics :${options.publicPorts.join(',:')} (no auth) from monitoring and kubelet probes`,
      rules: [{ ports: publicPorts, sources: [monitoring, localNode, nodes] }],
    },
    {
      name: `${POLICY_NAME_PREFIX}-p2p`,
      description: `seid p2p :${p2p.port} so the node can reach consensus with its peers`,
      rules: [{ ports: [p2p], sources: p2pSources }],
    },
    {
      name: `${POLICY_NAME_PREFIX}-rpc`,
      description: `seid RPC, REST, gRPC and EVM from the node's namespace and configured sources; kubelet readiness on :${rpc.port}`,
      rules: [
        { ports: CLIENT_PORTS, sources: [{ kind: 'sameNamespace' }, ...rpcSources] },
        { ports: [rpc], sources: [localNode, nodes] },
      ],
    },
    {
      name: `${POLICY_NAME_PREFIX}-seid-metrics`,
      description: `seid Prometheus metrics :${metrics.port} from monitoring`,
      rules: [{ ports: [metrics], sources: [monitoring] }],
    },
  ]
  assertNoTasksPort(plans)
  return plans
}

/** Splits validated `rpcFrom`/`p2pFrom` entries: an entry with "/" is a CIDR, any other a namespace. */
export function sourcesFrom(entries: readonly string[]): readonly Source[] {
  const cidrs = entries.filter((entry) => entry.includes('/'))
  const namespaces = entries.filter((entry) => !entry.includes('/'))
  const sources: Source[] = namespaces.map((namespace) => ({ kind: 'namespace', namespace, podLabels: {} }))
  if (cidrs.length > 0) sources.push({ kind: 'cidrs', cidrs })
  return sources
}

/** Throws if any plan lists the sidecar's loopback tasks port. */
export function assertNoTasksPort(plans: readonly PolicyPlan[]): void {
  for (const plan of plans) {
    for (const rule of plan.rules) {
      if (rule.ports.some((ref) => ref.port === PORTS.tasks)) {
        throw new Error(
          `policy ${plan.name} lists the sidecar tasks port ${PORTS.tasks}, which is loopback-only and must never be allowed`,
        )
      }
    }
  }
}
