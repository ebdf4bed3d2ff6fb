/**
 * The world the analyzer evaluates the policies in: a node namespace with a SeiNode pod wired as the
 * controller wires it (contract labels and container ports) plus a plain client pod, the controller
 * namespace with the controller pod and an unrelated pod, monitoring with Prometheus, and another
 * tenant. Built from the contract so it moves with it.
 */
import {
  CONTAINERS,
  CONTROLLER,
  MONITORING,
  NAMESPACE_NAME_LABEL,
  PORT_NAMES,
  PORTS,
  resourceLabels,
  SEID_PORTS,
} from '@sei-k8s/contract'
import type { KubeObject } from '@sei-k8s/testenv'

export const WORLD = {
  nodeNamespace: 'sei-node',
  nodeName: 'sei-node-0',
  tenantNamespace: 'tenant-b',
  prometheusLabels: { 'app.kubernetes.io/name': 'prometheus' },
} as const

type Manifest = KubeObject

function namespace(name: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [NAMESPACE_NAME_LABEL]: name } } }
}

function pod(
  ns: string,
  name: string,
  labels: Record<string, string>,
  containers: readonly { name: string; ports: readonly { name: string; containerPort: number }[] }[],
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      containers: containers.map((c) => ({
        name: c.name,
        image: 'registry.invalid/test:0',
        ports: c.ports.map((p) => ({ ...p, protocol: 'TCP' })),
      })),
    },
    // The analyzer reads pod IPs from status; each pod needs one to be a connection endpoint.
    status: { phase: 'Running' },
  }
}

const plain = [{ name: 'main', ports: [] }]

/** Namespaces and pods of the world, with IPs assigned in a documentation range (never dialled). */
export function buildWorld(): Manifest[] {
  const nodePod = pod(
    WORLD.nodeNamespace,
    WORLD.nodeName,
    resourceLabels({ metadata: { name: WORLD.nodeName }, spec: { chainId: 'pacific-1', fullNode: {} } }),
    [
      { name: CONTAINERS.sidecar, ports: [{ name: PORT_NAMES.public, containerPort: PORTS.public }] },
      { name: CONTAINERS.rbacProxy, ports: [{ name: PORT_NAMES.proxy, containerPort: PORTS.proxy }] },
      {
        name: CONTAINERS.seid,
        ports: Object.values(SEID_PORTS).map((p) => ({ name: p.name, containerPort: p.port })),
      },
    ],
  )
  const objects = [
    namespace(WORLD.nodeNamespace),
    namespace(CONTROLLER.namespace),
    namespace(MONITORING.namespace),
    namespace(WORLD.tenantNamespace),
    nodePod,
    pod(WORLD.nodeNamespace, 'rpc-client', { app: 'rpc-client' }, plain),
    pod(CONTROLLER.namespace, 'controller', { ...CONTROLLER.podLabels }, plain),
    pod(CONTROLLER.namespace, 'unrelated', { app: 'unrelated' }, plain),
    pod(MONITORING.namespace, 'prometheus', { ...WORLD.prometheusLabels }, plain),
    pod(MONITORING.namespace, 'grafana', { 'app.kubernetes.io/name': 'grafana' }, plain),
    pod(WORLD.tenantNamespace, 'client', { app: 'client' }, plain),
    // Copies the controller's pod labels from another namespace: must not reach the proxy.
    pod(WORLD.tenantNamespace, 'impostor', { ...CONTROLLER.podLabels }, plain),
  ]
  return objects
}
