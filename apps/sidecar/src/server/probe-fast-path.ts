/**
 * The probe fast path of the public listener: a plain `GET`/`HEAD` of a health path without a query is
 * answered by the HTTP server itself, before fastify's routing, hooks and reply machinery. kubelet and
 * seid's start script poll these every few seconds in every pod, and a fleet-wide probe storm should
 * cost next to nothing. The answer is the same as the fastify route's: both use `aggregateHealth` over
 * the same `healthChecks` (routes/public.ts). Anything else (`?verbose`, `?exclude`, metrics, unknown
 * paths) goes to fastify.
 *
 * The healthy answer is the common one, so it allocates nothing of its own: the checks run in a plain
 * loop, and status line, headers and body are precomputed (a flat header array is the cheapest form
 * `writeHead` takes) and written by one `end()`. A failing check takes `aggregateHealth` for the body
 * that names it.
 */
import type { RequestListener } from 'node:http'
import { PUBLIC_PATHS } from '@sei-k8s/contract'
import { aggregateHealth, type HealthCheck } from '../health.js'
import { HEALTH_HEADERS, healthChecks, type PublicRouteDeps } from './routes/public.js'

/** `aggregateHealth`'s body for a healthy, non-verbose answer. */
const HEALTHY_BODY = 'ok'
const HEALTHY_HEADERS: readonly string[] = [
  ...Object.entries(HEALTH_HEADERS).flat(),
  'content-length',
  String(Buffer.byteLength(HEALTHY_BODY)),
]

/** True when every check passes; false on the first problem (or a throw: aggregateHealth reports it). */
function allPass(checks: readonly HealthCheck[]): boolean {
  for (let i = 0; i < checks.length; i++) {
    try {
      if (checks[i]?.check() !== undefined) return false
    } catch {
      return false
    }
  }
  return true
}

export function probeFastPath(deps: PublicRouteDeps): (handler: RequestListener) => RequestListener {
  const checks = healthChecks(deps)
  const endpoints = new Map<string, keyof typeof checks>([
    [PUBLIC_PATHS.healthz, 'healthz'],
    [PUBLIC_PATHS.livez, 'livez'],
    [PUBLIC_PATHS.startupz, 'startupz'],
  ])
  return (handler) => (request, response) => {
    const endpoint = endpoints.get(request.url ?? '')
    const method = request.method
    const isHead = method === 'HEAD'
    if (endpoint === undefined || (!isHead && method !== 'GET')) return handler(request, response)
    const endpointChecks = checks[endpoint]
    if (allPass(endpointChecks)) {
      response.writeHead(200, HEALTHY_HEADERS as string[])
      response.end(isHead ? undefined : HEALTHY_BODY)
      return
    }
    const report = aggregateHealth(endpoint, endpointChecks)
    response.writeHead(report.httpStatus, {
      ...HEALTH_HEADERS,
      'content-length': Buffer.byteLength(report.body),
    })
    response.end(isHead ? undefined : report.body)
  }
}
