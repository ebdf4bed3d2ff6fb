/**
 * One JSON error shape for both listeners: `{"error": message, "code": CODE}`. Coded errors keep their
 * status; fastify's own 4xx (bad JSON, body too large, wrong content type) keep theirs with a clear
 * message; anything else is a 500 whose body says only "internal error" while the log gets the details.
 */
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance } from 'fastify'
import { ERRORS, type ErrorCode, publicMessage, SidecarError } from '../errors.js'

interface ErrorBody {
  readonly error: string
  readonly code: ErrorCode
}

/** Maps fastify's framework error codes onto the catalogue. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
}

export interface ErrorResponse {
  readonly status: number
  readonly body: ErrorBody
  readonly isServerError: boolean
  readonly retryAfterSeconds?: number | undefined
}

interface SchemaFailure {
  readonly instancePath?: string
  readonly message?: string
}

/** A route schema rejected the request: name the field, pick the code by where it failed. */
function fromValidation(failures: readonly SchemaFailure[], context: string | undefined): ErrorResponse {
  const first = failures[0] ?? {}
  const pointer = first.instancePath ?? ''
  const code: ErrorCode =
    context === 'params' || pointer.startsWith('/id')
      ? 'INVALID_TASK_ID'
      : pointer.startsWith('/params')
        ? 'INVALID_PARAMS'
        : 'INVALID_TASK'
  const detail = first.message ?? `${context ?? 'body'}: invalid`
  return { status: 400, body: { error: `${ERRORS[code].message}: ${detail}`, code }, isServerError: false }
}

/** Turns anything thrown in a request into a status and body. Exported for tests. */
export function toErrorResponse(thrown: unknown): ErrorResponse {
  if (thrown instanceof SidecarError) {
    return {
      status: thrown.httpStatus,
      body: { error: publicMessage(thrown), code: thrown.code },
      isServerError: thrown.httpStatus >= 500,
      retryAfterSeconds: thrown.retryAfterSeconds,
    }
  }
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Partial<FastifyError> & {
    message?: string
  }
  if (Array.isArray(error.validation)) return fromValidation(error.validation, error.validationContext)
  const mapped = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
  // fastify's JSON parser throws a SyntaxError carrying statusCode 400.
  const isBadJson = thrown instanceof SyntaxError && error.statusCode === 400
  const code: ErrorCode | undefined = mapped ?? (isBadJson ? 'INVALID_JSON' : undefined)
  const status = code ? ERRORS[code].httpStatus : (error.statusCode ?? 500)
  if (status >= 400 && status < 500) {
    const detail = error.message ?? 'bad request'
    const message = code ? `${ERRORS[code].message}: ${detail}` : detail
    return { status, body: { error: message, code: code ?? 'BAD_REQUEST' }, isServerError: false }
  }
  return { status: 500, body: { error: ERRORS.INTERNAL.message, code: 'INTERNAL' }, isServerError: true }
}

/** Installs the error and not-found handlers on one instance. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body, isServerError, retryAfterSeconds } = toErrorResponse(error)
    if (isServerError) request.log.error({ err: error, code: body.code }, 'request failed')
    else request.log.debug({ code: body.code, status }, 'request rejected')
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds))
    return reply.code(status).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: `${ERRORS.NOT_FOUND.message}: ${request.method} ${request.url.split('?')[0]}`,
      code: 'NOT_FOUND',
    }
    return reply.code(404).send(body)
  })
}

/**
 * Errors Node's HTTP parser raises before fastify sees a request (oversized headers, malformed request
 * lines, header timeouts): answer with JSON where the socket still allows it.
 */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy()
    return
  }
  const [code, reason, message]: [ErrorCode, string, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', 'Request Header Fields Too Large', ERRORS.HEADERS_TOO_LARGE.message]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', 'Request Timeout', ERRORS.REQUEST_TIMEOUT.message]
        : ['BAD_REQUEST', 'Bad Request', 'malformed HTTP request']
  const status = ERRORS[code].httpStatus
  const body = JSON.stringify({ error: message, code })
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}
