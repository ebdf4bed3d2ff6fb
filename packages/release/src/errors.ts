/** Every failure of a release carries a stable code; the CLI prints it with the message and exits 1. */
export type ReleaseErrorCode =
  | 'RELEASE_TOOL_MISSING'
  | 'RELEASE_TOOL_FAILED'
  | 'RELEASE_LOCK_INVALID'
  | 'RELEASE_LOCK_STALE'
  | 'RELEASE_CHECKSUM_MISMATCH'
  | 'RELEASE_INPUT_MISSING'
  | 'RELEASE_OUT_DIR_OCCUPIED'

export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode
  constructor(code: ReleaseErrorCode, message: string) {
    super(message)
    this.name = 'ReleaseError'
    this.code = code
  }
}
