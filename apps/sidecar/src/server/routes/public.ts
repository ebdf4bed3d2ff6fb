/**
 * The four public paths: health (GET and HEAD, fastify adds HEAD for every GET) and metrics. Registered
 * on the public listener, and on the tasks listener only under the legacy rollout switch.
 */
import { PUBLIC_PATHS } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import { aggregateHealth, type HealthCheck, parseHealthQuery } from '../../health.js'
import type { Lifecycle } from '../../lifecycle.js'
import type { SidecarMetrics } from '../../metrics.js'

export interface PublicRouteDeps {
  readonly lifecycle: Lifecycle
  readonly metrics: SidecarMetrics
  /**
   * The store's health as last seen by the background monitor (store-monitor.ts): undefined when fine,
   * else a reason. Never touches the store itself: a probe must not wait on a lock.
   */
  readonly storeProblem: () => string | undefined
}

export function healthChecks(deps: PublicRouteDeps): Record<'startupz' | 'livez' | 'healthz', HealthCheck[]> {
  const started: HealthCheck = {
    name: 'startup',
    check: () => (deps.lifecycle.isStarted ? undefined : 'start-up not finished'),
  }
  const store: HealthCheck = {
    name: 'store',
    check: () => deps.storeProblem(),
  }
  const ready: HealthCheck = {
    name: 'ready',
    check: () => (deps.lifecycle.isReady ? undefined : 'not marked ready (mark-ready task pending)'),
  }
  const shutdown: HealthCheck = {
    name: 'shutdown',
    check: () => (deps.lifecycle.isDraining ? 'draining: sidecar is shutting down' : undefined),
  }
  return {
    // NOT gated on mark-ready: see the comment on the startupz route.
    startupz: [started],
    livez: [store],
    healthz: [started, store, ready, shutdown],
  }
}

/** Headers of every health answer (the fastify routes and the fast path alike). */
export const HEALTH_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-store',
} as const

export function registerPublicRoutes(app: FastifyInstance, deps: PublicRouteDeps): void {
  const checks = healthChecks(deps)
  const health = (endpoint: keyof typeof checks, path: string) =>
    app.get(path, async (request, reply) => {
      const report = aggregateHealth(endpoint, checks[endpoint], parseHealthQuery(request.query))
      return reply.code(report.httpStatus).headers(HEALTH_HEADERS).send(report.body)
    })
  // startupz must not wait for mark-ready. The sidecar runs as a native sidecar (an init container with
  // restartPolicy Always): kubelet starts the next init container, kube-rbac-proxy, only once this
  // probe passes. mark-ready can only arrive from the controller THROUGH that proxy, so gating startupz
  // on it would deadlock the pod forever.
  health('startupz', PUBLIC_PATHS.startupz)
  health('livez', PUBLIC_PATHS.livez)
  health('healthz', PUBLIC_PATHS.healthz)
  app.get(PUBLIC_PATHS.metrics, async (request, reply) => {
    const { contentType, body } = await deps.metrics.render(request.headers.accept)
    return reply.code(200).header('content-type', contentType).send(body)
  })
}
