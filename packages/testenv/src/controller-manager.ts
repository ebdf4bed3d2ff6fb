import { componentServingArgs, type ServingArgsOptions } from './scheduler.js'

/**
 * CONTROLLERS: what cluster mode runs in kube-controller-manager. Enough for workloads to come alive
 * and be cleaned up: ServiceAccounts and their tokens (so the ServiceAccount admission plugin admits
 * Pods), garbage collection, namespace deletion, the workload controllers, endpoints, PVC/PV binding
 * and protection (kwok's volume stages play the provisioner), and node lifecycle, which lifts the
 * `node.kubernetes.io/not-ready` taint the apiserver puts on every new node. Left out on purpose:
 * taint-based eviction (a late kwok Lease renewal on a loaded machine must not evict Pods),
 * node-ipam and everything cloud-, certificate- or DRA-related.
 */
export const CONTROLLERS = [
  'clusterrole-aggregation-controller',
  'daemonset-controller',
  'deployment-controller',
  'endpoints-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'garbage-collector-controller',
  'job-controller',
  'namespace-controller',
  'node-lifecycle-controller',
  'persistentvolume-binder-controller',
  'persistentvolume-protection-controller',
  'persistentvolumeclaim-protection-controller',
  'pod-garbage-collector-controller',
  'replicaset-controller',
  'root-ca-certificate-publisher-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'statefulset-controller',
] as const

export interface ControllerManagerArgsOptions extends ServingArgsOptions {
  readonly kubeconfig: string
}

/**
 * controllerManagerArgs: kube-controller-manager on 127.0.0.1 (its /healthz served with the plane's
 * loopback serving certificate, so the probe verifies it against the plane's CA), leader election
 * off (one instance, and no Lease traffic), each controller under its own ServiceAccount
 * (`--use-service-account-credentials`, as kubeadm runs it), tokens signed with the plane's
 * ServiceAccount key. Client QPS is raised so a 1,000-node benchmark is not throttled by the
 * default 20 qps.
 */
export function controllerManagerArgs(options: ControllerManagerArgsOptions): string[] {
  return [
    `--kubeconfig=${options.kubeconfig}`,
    ...componentServingArgs(options),
    '--leader-elect=false',
    `--controllers=${CONTROLLERS.join(',')}`,
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${options.certs.saKey}`,
    `--root-ca-file=${options.certs.caCert}`,
    '--kube-api-qps=200',
    '--kube-api-burst=400',
    '--concurrent-statefulset-syncs=20',
    // kwok renews node Leases every 10 s; on a loaded two-core machine give it slack before a node
    // counts as NotReady (the default is 50 s).
    '--node-monitor-grace-period=2m',
    '--profiling=false',
  ]
}
