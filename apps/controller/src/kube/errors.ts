/**
 * Typed Kubernetes API errors. The API server answers a failure with a `Status` object; its `reason`
 * (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`/`Gone`, `Forbidden`, …) and `message` are
 * kept verbatim so a Stalled condition or a log line can show exactly what the server said.
 */

export type KubeErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'Invalid'
  | 'Gone'
  | 'Forbidden'
  | 'Unavailable'
  | 'Other'

/** A non-2xx answer of the API server (or a transport failure, status 0). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError'
  readonly kind: KubeErrorKind
  readonly status: number
  /** The Status object's reason, e.g. `Invalid`, `Conflict`, `Forbidden`; `Transport` for status 0. */
  readonly reason: string

  constructor(status: number, reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.status = status
    this.reason = reason
    this.kind = kindOf(status, reason)
  }
}

function kindOf(status: number, reason: string): KubeErrorKind {
  if (status === 404) return 'NotFound'
  // 409 covers both an optimistic-lock conflict and an SSA field conflict; AlreadyExists is a 409 too.
  if (status === 409) return 'Conflict'
  if (status === 422 || reason === 'Invalid') return 'Invalid'
  if (status === 410 || reason === 'Expired' || reason === 'Gone') return 'Gone'
  if (status === 401 || status === 403) return 'Forbidden'
  if (status === 0 || status === 429 || status >= 500) return 'Unavailable'
  return 'Other'
}

interface StatusBody {
  readonly kind?: unknown
  readonly reason?: unknown
  readonly message?: unknown
  readonly code?: unknown
}

/** Builds the error from a response: a `Status` body gives reason and message, anything else its text. */
export function errorFromResponse(status: number, body: unknown, context: string): KubeApiError {
  const s = (typeof body === 'object' && body !== null ? body : {}) as StatusBody
  const reason = typeof s.reason === 'string' && s.reason !== '' ? s.reason : `HTTP${status}`
  const message =
    typeof s.message === 'string' ? s.message : typeof body === 'string' ? body.slice(0, 500) : ''
  return new KubeApiError(status, reason, `${context}: ${status} ${reason}: ${message}`)
}

/** True when `error` is a KubeApiError of `kind`. */
export function isKubeError(error: unknown, kind: KubeErrorKind): error is KubeApiError {
  return error instanceof KubeApiError && error.kind === kind
}
