/**
 * The public listener (`::`, dual-stack): health probes and metrics only, no authentication. Identity
 * headers are ignored here: nothing on this instance reads them. Never listens by itself.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { installErrorHandlers } from './error-handler.js'
import { type Limits, serverOptions } from './options.js'
import { probeFastPath } from './probe-fast-path.js'
import { type PublicRouteDeps, registerPublicRoutes } from './routes/public.js'

export function buildPublicServer(
  deps: PublicRouteDeps & { readonly log: Logger; readonly limits?: Partial<Limits> },
): FastifyInstance {
  const app = Fastify(
    serverOptions(deps.log, { logRequests: false, limits: deps.limits, wrapHandler: probeFastPath(deps) }),
  )
  installErrorHandlers(app)
  registerPublicRoutes(app, deps)
  return app
}
