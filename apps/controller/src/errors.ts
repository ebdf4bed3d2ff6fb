/**
 * The controller's coded errors. Each code is stable (tests and logs match on it); the message says what
 * was wrong and where. Build-time guard failures are programming errors in the builders or a platform
 * config that would weaken the trust boundary: they stop the build rather than emit a risky pod.
 */
export const ERROR_CODES = {
  /** kube-rbac-proxy would get `--ignore-paths`/`--allow-paths`, letting requests bypass authn/authz. */
  FORBIDDEN_PROXY_ARG: 'FORBIDDEN_PROXY_ARG',
  /** A kubelet probe targets the proxy or the loopback tasks port instead of the public port. */
  PROBE_ON_FORBIDDEN_PORT: 'PROBE_ON_FORBIDDEN_PORT',
  /** The loopback tasks port appears as a container or Service port. */
  TASKS_PORT_EXPOSED: 'TASKS_PORT_EXPOSED',
  /** A SeiNode failed schema or cross-field validation. */
  INVALID_SEINODE: 'INVALID_SEINODE',
  /** The platform config file failed validation. */
  INVALID_PLATFORM_CONFIG: 'INVALID_PLATFORM_CONFIG',
  /** Input could not be read or parsed (file, YAML). */
  INVALID_INPUT: 'INVALID_INPUT',
  /** `run` could not configure its API server connection (kubeconfig or in-cluster files). */
  KUBE_CONFIG: 'KUBE_CONFIG',
} as const

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

/** An error with a stable code. `details` lists every individual problem (e.g. one per bad field). */
export class ControllerError extends Error {
  override readonly name = 'ControllerError'
  readonly code: ErrorCode
  readonly details: readonly string[]

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? []
  }
}

/** True when `error` is a ControllerError with `code`. */
export function hasCode(error: unknown, code: ErrorCode): error is ControllerError {
  return error instanceof ControllerError && error.code === code
}
