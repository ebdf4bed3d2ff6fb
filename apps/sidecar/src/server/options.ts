/** Fastify options shared by both listeners: limits and timeouts that keep a bad client from hurting us. */
import { createServer, type RequestListener, type Server } from 'node:http'
import { type FastifyHttpOptions, type FastifyReply, LogController } from 'fastify'
import type { Logger } from 'pino'
import { handleClientError, toErrorResponse } from './error-handler.js'

const LIMITS = {
  /** Request headers above this get 431 (design §4.3). */
  maxHeaderBytes: 32 * 1024,
  /** Task bodies are small JSON; config patches are the largest. Above this: 413. */
  maxBodyBytes: 1024 * 1024,
  /** Whole request (headers + body) must arrive within this. */
  requestTimeoutMs: 30_000,
  /** Headers must arrive within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: 65_000,
} as const

export type Limits = { readonly [K in keyof typeof LIMITS]: number }

/**
 * Options of one listener. `limits` overrides defaults (tests shorten the timeouts). `wrapHandler`
 * runs before fastify sees a request (the tasks listener authenticates there, before routing).
 */
export function serverOptions(
  log: Logger,
  options: {
    logRequests: boolean
    limits?: Partial<Limits> | undefined
    wrapHandler?: (handler: RequestListener) => RequestListener
  },
): FastifyHttpOptions<Server> {
  const limits: Limits = { ...LIMITS, ...options.limits }
  const wrap = options.wrapHandler ?? ((handler: RequestListener) => handler)
  return {
    // Our own server so a wrapper runs before routing; fastify still applies the timeouts below to it.
    serverFactory: (handler) =>
      createServer(
        {
          maxHeaderSize: limits.maxHeaderBytes,
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // Node enforces both timeouts only when it sweeps connections (default every 30 s).
          connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 3),
        },
        wrap(handler as RequestListener),
      ),
    loggerInstance: log,
    // Probes and scrapes every few seconds would drown the log; task calls are logged by their routes.
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: limits.maxBodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // close() ends idle keep-alive sockets at once and lets in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    clientErrorHandler: handleClientError,
    // Router-level rejections (malformed URL encoding, over-long path parameters) in the same JSON shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toErrorResponse(error)
      void reply.code(status).send(body)
    },
  }
}
