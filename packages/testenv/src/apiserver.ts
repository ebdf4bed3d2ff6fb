import type { CertFiles } from './certs.js'
import { LOOPBACK } from './ports.js'

/**
 * SERVICE_CLUSTER_IP_RANGE is required by kube-apiserver to allocate Service ClusterIPs. Nothing
 * ever dials these addresses: there is no kube-proxy, and the endpoint reconciler is off.
 */
export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24'

/**
 * DISABLED_ADMISSION_PLUGINS: admission plugins that rely on controllers which do not run in the
 * apiserver-only mode. ServiceAccount would reject every Pod until the (absent) ServiceAccount
 * controller creates `default`. Cluster mode runs that controller and keeps the plugin on.
 */
export const DISABLED_ADMISSION_PLUGINS = ['ServiceAccount'] as const

export interface ApiserverArgsOptions {
  readonly etcdUrl: string
  readonly securePort: number
  readonly certs: CertFiles
  readonly tokenFile: string
  readonly certDir: string
  /** Keep the ServiceAccount admission plugin on (cluster mode, where its controllers run). */
  readonly serviceAccountAdmission?: boolean
  readonly extraArgs?: readonly string[]
}

/** apiserverUrl is the base URL clients use. */
export function apiserverUrl(securePort: number): string {
  return `https://${LOOPBACK}:${securePort}`
}

/**
 * apiserverArgs: kube-apiserver on 127.0.0.1 only, with RBAC authorization, a static token file
 * (admin + kube-rbac-proxy identities) and a ServiceAccount signing key so TokenRequest works.
 * `--endpoint-reconciler-type=none`: the `kubernetes` Endpoints would carry a loopback address,
 * which validation rejects, and nothing here needs them.
 */
export function apiserverArgs(options: ApiserverArgsOptions): string[] {
  const url = apiserverUrl(options.securePort)
  return [
    `--etcd-servers=${options.etcdUrl}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${options.securePort}`,
    `--cert-dir=${options.certDir}`,
    `--tls-cert-file=${options.certs.servingCert}`,
    `--tls-private-key-file=${options.certs.servingKey}`,
    `--client-ca-file=${options.certs.caCert}`,
    `--token-auth-file=${options.tokenFile}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${options.certs.saPub}`,
    `--service-account-signing-key-file=${options.certs.saKey}`,
    `--service-account-issuer=${url}`,
    `--api-audiences=${url}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--endpoint-reconciler-type=none',
    ...(options.serviceAccountAdmission
      ? []
      : [`--disable-admission-plugins=${DISABLED_ADMISSION_PLUGINS.join(',')}`]),
    '--allow-privileged=true',
    '--profiling=false',
    ...(options.extraArgs ?? []),
  ]
}
