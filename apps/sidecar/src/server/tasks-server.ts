/**
 * The tasks listener (127.0.0.1 only): the task API behind kube-rbac-proxy. In trusted-header mode the
 * HTTP server checks for exactly one non-empty X-Remote-User before fastify routes anything, so every
 * path (unknown, over-long, malformed) answers 401 without identity. Health and metrics are not served
 * here, except as the opt-in legacy rollout switch (design §4.6). Never listens by itself.
 */
import { type AuthnMode, type AuthnRejectionReason, PUBLIC_PATHS, SIDECAR_LIMITS } from '@sei-k8s/contract'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Engine } from '../engine/engine.js'
import { SidecarError } from '../errors.js'
import { JsonDepthError, parseJson, stringifyJson } from '../json.js'
import type { Lifecycle } from '../lifecycle.js'
import { authenticateBeforeRouting, createIdentityHook } from './authn.js'
import { installErrorHandlers } from './error-handler.js'
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
  const publicPaths = new Set<string>(deps.isLegacyPublicOnTasks ? Object.values(PUBLIC_PATHS) : [])
  const onReject = (reason: AuthnRejectionReason, url: string | undefined) => {
    deps.metrics.authnRejected(reason)
    deps.log.warn({ reason, url: url?.split('?')[0]?.slice(0, 256) }, 'rejected unauthenticated request')
  }
  const isTrustedHeader = deps.authnMode === 'trusted-header'
  const app = Fastify(
    serverOptions(deps.log, {
      logRequests: true,
      limits: deps.limits,
      ...(isTrustedHeader && {
        wrapHandler: (handler) =>
          authenticateBeforeRouting(handler, {
            publicPaths,
            onReject: (reason, request) => onReject(reason, request.url),
          }),
      }),
    }),
  )
  if (isTrustedHeader) {
    app.addHook(
      'onRequest',
      createIdentityHook(publicPaths, (reason, url) => onReject(reason, url)),
    )
  }
  installErrorHandlers(app)
  // JSON only (a text/plain body is a 415), parsed and written with exact int64 (json.ts).
  app.removeContentTypeParser(['text/plain', 'application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      // The envelope is one level above params.
      done(null, parseJson(String(body), SIDECAR_LIMITS.params.maxDepth + 1))
    } catch (error) {
      if (error instanceof JsonDepthError) {
        const limit = SIDECAR_LIMITS.params.maxDepth
        done(
          new SidecarError(
            'PARAMS_TOO_LARGE',
            `params are nested deeper than ${limit} levels (limit maxDepth)`,
          ),
          undefined,
        )
      } else done(Object.assign(error as Error, { statusCode: 400 }), undefined)
    }
  })
  app.setReplySerializer((payload) => stringifyJson(payload))
  registerTaskRoutes(app, deps.engine)
  registerStatusRoutes(app, deps)
  if (deps.isLegacyPublicOnTasks) registerPublicRoutes(app, deps)
  return app
}
