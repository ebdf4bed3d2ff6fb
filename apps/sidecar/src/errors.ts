/**
 * The sidecar's coded error catalogue. Every error a client can see has a stable code, an HTTP status and
 * a message; handlers throw `SidecarError` and the servers' error handlers map it to `{"error": …}`.
 */

export const ERRORS = {
  BAD_REQUEST: { httpStatus: 400, message: 'bad request' },
  PARAMS_TOO_LARGE: { httpStatus: 400, message: 'task params exceed a limit' },
  INVALID_JSON: { httpStatus: 400, message: 'request body is not valid JSON' },
  INVALID_TASK: { httpStatus: 400, message: 'invalid task submission' },
  INVALID_TASK_ID: { httpStatus: 400, message: 'task id must be a UUID' },
  UNKNOWN_TASK_TYPE: { httpStatus: 400, message: 'unknown task type' },
  INVALID_PARAMS: { httpStatus: 400, message: 'task params are invalid' },
  UNAUTHENTICATED: { httpStatus: 401, message: 'missing identity' },
  TASK_NOT_FOUND: { httpStatus: 404, message: 'task not found' },
  NOT_FOUND: { httpStatus: 404, message: 'not found' },
  METHOD_NOT_ALLOWED: { httpStatus: 405, message: 'method not allowed' },
  TASK_ID_CONFLICT: { httpStatus: 409, message: 'task id already used by another task type' },
  NODE_KEY_MISSING: { httpStatus: 404, message: 'node key not generated yet; submit generate-identity' },
  REQUEST_TIMEOUT: { httpStatus: 408, message: 'request timed out' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, message: 'request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, message: 'content type must be application/json' },
  URI_TOO_LONG: { httpStatus: 414, message: 'request URL too long' },
  QUEUE_FULL: { httpStatus: 429, message: 'task queue is full; retry later' },
  HEADERS_TOO_LARGE: { httpStatus: 431, message: 'request headers too large' },
  STORE_FAILED: { httpStatus: 500, message: 'internal error' },
  INTERNAL: { httpStatus: 500, message: 'internal error' },
  SHUTTING_DOWN: { httpStatus: 503, message: 'sidecar is shutting down' },
  STORE_BUSY: { httpStatus: 503, message: 'task store is locked by another process; retry later' },
} as const satisfies Record<string, { readonly httpStatus: number; readonly message: string }>

export type ErrorCode = keyof typeof ERRORS

/** An error with a catalogue code. `detail` (for status < 500) is shown to the client; `cause` is logged. */
export class SidecarError extends Error {
  readonly code: ErrorCode
  readonly httpStatus: number
  /** Sent as `Retry-After` (429, 503) when set. */
  readonly retryAfterSeconds?: number | undefined

  constructor(
    code: ErrorCode,
    detail?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number | undefined },
  ) {
    const base = ERRORS[code]
    super(detail === undefined ? base.message : `${base.message}: ${detail}`, options)
    this.name = 'SidecarError'
    this.code = code
    this.httpStatus = base.httpStatus
    this.retryAfterSeconds = options?.retryAfterSeconds
  }
}

/** The message safe to send to a client: the full message below 500, the catalogue's generic one above. */
export function publicMessage(error: SidecarError): string {
  return error.httpStatus >= 500 ? ERRORS[error.code].message : error.message
}

/** Narrows anything thrown into an Error, so logs and task results always carry a message. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  return new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${String(thrown)}`)
}
