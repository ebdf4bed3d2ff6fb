/** Fastify options shared by both listeners: limits and timeouts that keep a bad client from hurting us. */
import type { Server } from 'node:http'
import { type FastifyHttpOptions, type FastifyReply, LogController } from 'fastify'
import type { Logger } from 'pino'
import { handleClientError, toErrorResponse } from './error-handler.js'

export const LIMITS = {
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

export function serverOptions(log: Logger, options: { logRequests: boolean }): FastifyHttpOptions<Server> {
  return {
    loggerInstance: log,
    // Probes and scrapes every few seconds would drown the log; task calls are logged by their routes.
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: LIMITS.maxBodyBytes,
    requestTimeout: LIMITS.requestTimeoutMs,
    keepAliveTimeout: LIMITS.keepAliveTimeoutMs,
    http: { maxHeaderSize: LIMITS.maxHeaderBytes, headersTimeout: LIMITS.headersTimeoutMs },
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
