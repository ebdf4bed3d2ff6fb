/** `sei-policy --help`: what the command does, every flag, its default and an example. */
import { CONTROLLER, LABELS, MONITORING, PORTS, SEID_PORTS } from '@sei-k8s/contract'
import { FLAVORS } from '../input.js'

const labels = Object.entries(CONTROLLER.podLabels)
  .map(([key, value]) => `${key}=${value}`)
  .join(', ')

/** The help text, with defaults read from the contract. */
export function helpText(): string {
  return `sei-policy: NetworkPolicies for namespaces that hold SeiNodes, for a GitOps repo.

Usage:
  sei-policy generate --namespace NS [--namespace NS ...] [options]

Each namespace gets five policies selecting pods with label ${LABELS.node} (Ingress only):
  sei-node-proxy         :${PORTS.proxy} (kube-rbac-proxy) only from the controller's pods (never node CIDRs)
  sei-node-public        :${PORTS.public} (sidecar health + metrics, no auth) from monitoring [+ node CIDRs]
  sei-node-p2p           :${SEID_PORTS.p2p.port} (p2p) from anywhere, or only --p2p-from sources
  sei-node-rpc           :${SEID_PORTS.evmRpc.port} :${SEID_PORTS.evmWs.port} :${SEID_PORTS.grpc.port} :${SEID_PORTS.rest.port} :${SEID_PORTS.rpc.port} from the same namespace + --rpc-from sources
  sei-node-seid-metrics  :${SEID_PORTS.metrics.port} (seid metrics) from monitoring
The sidecar task port ${PORTS.tasks} is loopback-only and never allowed.

Options:
  -n, --namespace NS                 target namespace (required; repeatable)
  --controller-namespace NS          default ${CONTROLLER.namespace}
  --controller-label KEY=VALUE       controller pod labels, ANDed with its namespace (repeatable;
                                     replaces the default ${labels})
  --controller-service-account SA    cilium|calico only (ANDed with namespace and labels);
                                     default ${CONTROLLER.serviceAccount}
  --monitoring-namespace NS          default ${MONITORING.namespace}
  --prometheus-label KEY=VALUE       only pods with these labels in the monitoring namespace
                                     (repeatable; default: any pod there)
  --public-port PORT                 sidecar public ports in use, if SeiNodes set
                                     spec.sidecar.publicPort (repeatable; default ${PORTS.public})
  --node-cidr CIDR                   node addresses allowed to the public and rpc probe ports, for
                                     CNIs that apply policy to kubelet probes; every pod with an
                                     address inside is admitted too (repeatable; not with cilium)
  --allow-remote-nodes               cilium only: admit the remote-node entity where node CIDRs
                                     would go (public, rpc and --p2p-from ports; never the proxy;
                                     the host entity is always admitted)
  --rpc-from NS|CIDR                 extra source of the RPC/REST/gRPC/EVM ports (repeatable)
  --p2p-from NS|CIDR                 restrict p2p to these sources (repeatable; default anywhere)
  --flavor ${FLAVORS.join('|').padEnd(25)} vanilla NetworkPolicy (default), CiliumNetworkPolicy
                                     or Calico v3 NetworkPolicy (these also require the
                                     controller's ServiceAccount)
  -o, --output yaml|json             stdout format: YAML stream (default) or JSON array
  --out-dir DIR                      write DIR/<namespace>/<policy>.yaml + kustomization.yaml
                                     instead of stdout (stale generated files there are removed)
  -h, --help                         this help

Exit status: 0 ok, 1 failure (e.g. writing files), 2 bad usage or option values.

Example:
  sei-policy generate -n sei-mainnet -n sei-testnet --node-cidr 10.0.0.0/16 \\
    --rpc-from ingress-nginx --out-dir clusters/prod/sei-policies
`
}
