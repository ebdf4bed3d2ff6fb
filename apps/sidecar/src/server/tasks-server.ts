/**
 * The tasks listener (127.0.0.1 only): the task API behind kube-rbac-proxy. In trusted-header mode a
 * root onRequest hook demands exactly one non-empty X-Remote-User before anything else, so even unknown
 * paths answer 401 without identity. Health and metrics are not served here, except as the opt-in
 * legacy rollout switch (design §4.6). Never listens by itself; main.ts does.
 */
import type { AuthnMode } from '@sei-k8s/contract'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Engine } from '../engine/engine.js'
import type { Lifecycle } from '../lifecycle.js'
import { installErrorHandlers } from './error-handler.js'
import { createIdentityHook } from './identity-hook.js'
import { type Limits, serverOptions } from './options.js'
import { type PublicRouteDeps, registerPublicRoutes } from './routes/public.js'
import { registerStatusRoutes } from './routes/status.js'
import { registerTaskRoutes } from './routes/tasks.js'

export interface TasksServerDeps extends PublicRouteDeps {
  readonly log: Logger
  readonly engine: Engine
  readonly lifecycle: Lifecycle
  readonly home: string
  readonly authnMode: AuthnMode
  readonly isLegacyPublicOnTasks: boolean
  /** Overrides of the listener limits (tests shorten timeouts); defaults in options.ts. */
  readonly limits?: Partial<Limits>
}

export function buildTasksServer(deps: TasksServerDeps): FastifyInstance {
  const app = Fastify(serverOptions(deps.log, { logRequests: true, limits: deps.limits }))
  installErrorHandlers(app)
  // The task API speaks JSON only; a text/plain body must be a 415, not a string handed to the engine.
  app.removeContentTypeParser('text/plain')
  if (deps.authnMode === 'trusted-header') {
    app.addHook(
      'onRequest',
      createIdentityHook((reason) => deps.metrics.authnRejected(reason)),
    )
  }
  registerTaskRoutes(app, deps.engine)
  registerStatusRoutes(app, deps)
  if (deps.isLegacyPublicOnTasks) registerPublicRoutes(app, deps, true)
  return app
}
