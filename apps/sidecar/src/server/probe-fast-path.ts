/**
 * The probe fast path of the public listener: a plain `GET`/`HEAD` of a health path without a query is
 * answered by the HTTP server itself, before fastify's routing, hooks and reply machinery. kubelet and
 * seid's start script poll these every few seconds in every pod, and a fleet-wide probe storm should
 * cost next to nothing. The answer is the same as the fastify route's: both call `aggregateHealth` over
 * the same `healthChecks` (routes/public.ts). Anything else (`?verbose`, `?exclude`, metrics, unknown
 * paths) goes to fastify.
 */
import type { RequestListener } from 'node:http'
import { PUBLIC_PATHS } from '@sei-k8s/contract'
import { aggregateHealth } from '../health.js'
import { HEALTH_HEADERS, healthChecks, type PublicRouteDeps } from './routes/public.js'

export function probeFastPath(deps: PublicRouteDeps): (handler: RequestListener) => RequestListener {
  const checks = healthChecks(deps)
  const endpoints = new Map<string, keyof typeof checks>([
    [PUBLIC_PATHS.healthz, 'healthz'],
    [PUBLIC_PATHS.livez, 'livez'],
    [PUBLIC_PATHS.startupz, 'startupz'],
  ])
  return (handler) => (request, response) => {
    const endpoint = endpoints.get(request.url ?? '')
    const isHead = request.method === 'HEAD'
    if (endpoint === undefined || (!isHead && request.method !== 'GET')) return handler(request, response)
    const report = aggregateHealth(endpoint, checks[endpoint])
    response.writeHead(report.httpStatus, {
      ...HEALTH_HEADERS,
      'content-length': Buffer.byteLength(report.body),
    })
    response.end(isHead ? undefined : report.body)
  }
}
