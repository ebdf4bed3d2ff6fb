/**
 * The world of world.ts as the CNIs see it (labels, namespace labels, ServiceAccount, pod IP), plus
 * the two pods that tell the controller peers apart, and sources that are not pods. Pod IPs sit in
 * 100.64.0.0/16, outside every CIDR the tests configure, as on an overlay CNI; `inNodeSubnet` moves
 * them into the node CIDR, as the AWS VPC CNI assigns them.
 */
import { CONTROLLER, NAMESPACE_NAME_LABEL, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import type { CniEndpoint, CniSource, KubeObject } from '@sei-k8s/testenv'
import { buildWorld } from './world.js'

/** A pod in the controller namespace running as the controller's ServiceAccount, without its labels. */
export const SA_ONLY = `${CONTROLLER.namespace}/sa-only`
/** A pod with the controller's labels in its namespace, running as another ServiceAccount. */
export const LABELS_OTHER_SA = `${CONTROLLER.namespace}/labels-other-sa`

/** Every container port of a node pod plus the loopback tasks port (which must never be admitted). */
export const CNI_PORTS = [
  PORTS.proxy,
  PORTS.public,
  PORTS.tasks,
  ...Object.values(SEID_PORTS).map((p) => p.port),
].sort((a, b) => a - b)

const NODE_V4 = '10.0.0.5'
const NODE_V6 = 'fd00:10::5'
export const NODE_CIDRS = ['10.0.0.0/16', 'fd00:10::/64']

/** Non-pod sources: the local node, another node, and addresses outside and inside the node CIDRs. */
export const CNI_SOURCES: readonly CniSource[] = [
  { name: 'host', reserved: 'host' },
  { name: 'remote-node', reserved: 'remote-node' },
  { name: 'world-v4', ip: '198.51.100.7' },
  { name: 'world-v6', ip: '2001:db8:1::7' },
  { name: 'rpc-cidr-v4', ip: '203.0.113.9' },
  { name: 'rpc-cidr-v6', ip: '2001:db8:8::9' },
  { name: 'node-v4', ip: NODE_V4 },
  { name: 'node-v6', ip: NODE_V6 },
]

interface PodLike {
  readonly metadata: {
    readonly name: string
    readonly namespace: string
    readonly labels: Record<string, string>
  }
}

export function cniEndpoints(options: { inNodeSubnet?: boolean } = {}): CniEndpoint[] {
  const world = buildWorld()
  const namespaces = new Map(
    world
      .filter((o) => o.kind === 'Namespace')
      .map((o) => [
        o.metadata.name,
        (o as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels,
      ]),
  )
  const pods = world.filter((o: KubeObject) => o.kind === 'Pod') as unknown as PodLike[]
  const extra: PodLike[] = [
    { metadata: { name: 'sa-only', namespace: CONTROLLER.namespace, labels: { app: 'tool' } } },
    {
      metadata: {
        name: 'labels-other-sa',
        namespace: CONTROLLER.namespace,
        labels: { ...CONTROLLER.podLabels },
      },
    },
  ]
  const prefix = options.inNodeSubnet ? '10.0.9.' : '100.64.0.'
  return [...pods, ...extra].map(({ metadata: { name, namespace, labels } }, i) => ({
    name,
    namespace,
    labels,
    namespaceLabels: namespaces.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace },
    serviceAccount:
      (namespace === CONTROLLER.namespace && name === 'controller') || name === 'sa-only'
        ? CONTROLLER.serviceAccount
        : 'default',
    ip: `${prefix}${i + 10}`,
  }))
}
