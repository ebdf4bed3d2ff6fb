/**
 * The headless Service `<node>`: stable DNS for the pod (`<node>-0.<node>.<ns>.svc`), the seid ports,
 * `api` (kube-rbac-proxy, PORTS.proxy) and the sidecar's public port. Never the loopback tasks port.
 */
import { PORT_NAMES, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import type { Service, ServicePort } from './k8s-types.js'
import { nodeLabels, nodeSelector } from './labels.js'
import type { NodeView } from './node-view.js'

/** The Service ports of a node, in a stable order: seid ports, then api, then the public port. */
function servicePorts(view: NodeView): ServicePort[] {
  const seid = Object.values(SEID_PORTS).map(
    (p): ServicePort => ({
      name: p.name,
      port: p.port,
      targetPort: p.port,
      protocol: 'TCP',
      ...('appProtocol' in p ? { appProtocol: p.appProtocol } : {}),
    }),
  )
  return [
    ...seid,
    { name: PORT_NAMES.proxy, port: PORTS.proxy, targetPort: PORTS.proxy, protocol: 'TCP' },
    { name: PORT_NAMES.public, port: view.publicPort, targetPort: view.publicPort, protocol: 'TCP' },
  ]
}

/** Builds the headless Service of a node. Not-ready addresses are published so peers find a syncing node. */
export function buildService(view: NodeView): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: view.name, namespace: view.namespace, labels: nodeLabels(view) },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: nodeSelector(view),
      ports: servicePorts(view),
    },
  }
}
