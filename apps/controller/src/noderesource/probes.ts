/**
 * Kubelet probes of a node pod. Every HTTP probe of the sidecar and seid's startup probe target the
 * sidecar's PUBLIC port directly: probing through kube-rbac-proxy (PORTS.proxy) would need `--ignore-paths`,
 * which lets unauthenticated requests (with forged identity headers) through the proxy.
 */
import { PORTS, PUBLIC_PATHS, SEID_PATHS, SEID_PORTS } from '@sei-k8s/contract'
import type { Probe } from './k8s-types.js'
import type { NodeView } from './node-view.js'

/**
 * seid may spend hours restoring state before the sidecar marks it ready: 8640 × 10 s = 24 h of startup
 * before the kubelet restarts it. Liveness is deliberately absent for the same reason.
 */
const SEID_STARTUP_FAILURE_THRESHOLD = 8640

function httpGet(path: string, port: number): { path: string; port: number; scheme: 'HTTP' } {
  return { path, port, scheme: 'HTTP' }
}

/** Probes of the sei-sidecar native sidecar: startupz, livez, healthz on the public port. */
export function sidecarProbes(view: NodeView): {
  startupProbe: Probe
  livenessProbe: Probe
  readinessProbe: Probe
} {
  return {
    // startupz never waits for mark-ready: the next init container (the proxy) starts only after it passes.
    startupProbe: {
      httpGet: httpGet(PUBLIC_PATHS.startupz, view.publicPort),
      periodSeconds: 2,
      failureThreshold: 150,
    },
    livenessProbe: {
      httpGet: httpGet(PUBLIC_PATHS.livez, view.publicPort),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: httpGet(PUBLIC_PATHS.healthz, view.publicPort),
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
  }
}

/** Probes of seid: startup on the sidecar's healthz, readiness on CometBFT (TCP p2p for seeds), no liveness. */
export function seidProbes(view: NodeView): { startupProbe: Probe; readinessProbe: Probe } {
  // Seeds do not keep up with the chain, so /lag_status says nothing about them; p2p accepting is the signal.
  const readinessProbe: Probe =
    view.role === 'seed'
      ? {
          tcpSocket: { port: SEID_PORTS.p2p.port },
          periodSeconds: 10,
          timeoutSeconds: 5,
          failureThreshold: 3,
        }
      : {
          httpGet: httpGet(SEID_PATHS.lagStatus, SEID_PORTS.rpc.port),
          periodSeconds: 10,
          timeoutSeconds: 5,
          failureThreshold: 3,
        }
  return {
    startupProbe: {
      httpGet: httpGet(PUBLIC_PATHS.healthz, view.publicPort),
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: SEID_STARTUP_FAILURE_THRESHOLD,
    },
    readinessProbe,
  }
}

/** kube-rbac-proxy: a TCP liveness on its own port only (an HTTP probe would need credentials). */
export function rbacProxyProbes(): { livenessProbe: Probe } {
  return {
    livenessProbe: {
      tcpSocket: { port: PORTS.proxy },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
  }
}
