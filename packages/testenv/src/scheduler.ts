import type { CertFiles } from './certs.js'
import { LOOPBACK } from './ports.js'

/** What kube-scheduler and kube-controller-manager share: where they serve /healthz, and with which cert. */
export interface ServingArgsOptions {
  readonly securePort: number
  readonly certs: CertFiles
  readonly certDir: string
}

/**
 * componentServingArgs: a control-plane component's own HTTPS endpoint on 127.0.0.1, with the plane's
 * loopback serving certificate (so a probe verifies it against the plane's CA) and its health and
 * metrics paths open without authorization.
 */
export function componentServingArgs(options: ServingArgsOptions): string[] {
  return [
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${options.securePort}`,
    `--cert-dir=${options.certDir}`,
    `--tls-cert-file=${options.certs.servingCert}`,
    `--tls-private-key-file=${options.certs.servingKey}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
  ]
}

/**
 * schedulerConfig: the KubeSchedulerConfiguration file (JSON is YAML). Leader election off (one
 * instance); client QPS raised so scheduling 1,000 Pods is not throttled at the default 50 qps.
 */
export function schedulerConfig(kubeconfig: string): Record<string, unknown> {
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig, qps: 200, burst: 400 },
    leaderElection: { leaderElect: false },
  }
}

export interface SchedulerArgsOptions extends ServingArgsOptions {
  readonly configFile: string
  readonly kubeconfig: string
}

/** schedulerArgs: kube-scheduler on 127.0.0.1, /healthz served with the plane's loopback certificate. */
export function schedulerArgs(options: SchedulerArgsOptions): string[] {
  return [`--config=${options.configFile}`, ...componentServingArgs(options)]
}
