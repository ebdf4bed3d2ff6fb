/**
 * TESTENV_ERRORS: every way testenv fails, each with a stable code and a hint saying what to do.
 * Every error names the log file to read when there is one.
 */
export const TESTENV_ERRORS = {
  goMissing: {
    code: 'TESTENV_GO_MISSING',
    hint: 'install Go (https://go.dev/dl, or the go toolchain of this machine kind) and make `go` available on PATH',
  },
  buildFailed: { code: 'TESTENV_BUILD_FAILED', hint: 'read the build log named above' },
  binariesMissing: {
    code: 'TESTENV_BINARIES_MISSING',
    hint: 'run `node packages/testenv/dist/cli.js build` (a cold build takes many minutes)',
  },
  opensslFailed: { code: 'TESTENV_OPENSSL_FAILED', hint: 'install openssl (Debian package `openssl`)' },
  portRace: {
    code: 'TESTENV_PORT_RACE',
    hint: 'another process took the chosen port between probing and binding; retried and still lost',
  },
  notReady: {
    code: 'TESTENV_NOT_READY',
    hint: 'read the log named above; the process did not become healthy in time',
  },
  processExited: { code: 'TESTENV_PROCESS_EXITED', hint: 'read the log named above' },
  apiRequest: { code: 'TESTENV_API_REQUEST', hint: 'the kube-apiserver answered with an error status' },
  analyzerFailed: { code: 'TESTENV_ANALYZER_FAILED', hint: 'read the analyzer output quoted above' },
  stateMissing: { code: 'TESTENV_STATE_MISSING', hint: 'run `node packages/testenv/dist/cli.js up` first' },
  invalidInput: { code: 'TESTENV_INVALID_INPUT', hint: 'fix the arguments passed to testenv' },
} as const satisfies Record<string, { code: string; hint: string }>

export type TestenvErrorKind = keyof typeof TESTENV_ERRORS
export type TestenvErrorCode = (typeof TESTENV_ERRORS)[TestenvErrorKind]['code']

export interface TestenvErrorOptions {
  readonly logFile?: string
  readonly cause?: unknown
  readonly status?: number
}

/** TestenvError is the only error type testenv throws; `code` is stable, `logFile` names what to read. */
export class TestenvError extends Error {
  readonly code: TestenvErrorCode
  readonly kind: TestenvErrorKind
  readonly logFile: string | undefined
  readonly status: number | undefined

  constructor(kind: TestenvErrorKind, message: string, options: TestenvErrorOptions = {}) {
    const entry = TESTENV_ERRORS[kind]
    const log = options.logFile ? ` (log: ${options.logFile})` : ''
    super(`${entry.code}: ${message}${log}; ${entry.hint}`, { cause: options.cause })
    this.name = 'TestenvError'
    this.code = entry.code
    this.kind = kind
    this.logFile = options.logFile
    this.status = options.status
  }
}
