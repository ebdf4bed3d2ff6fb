/** Store failures as the coded errors clients see: busy (another writer) → 503 + Retry-After, else 500. */
import { SIDECAR_LIMITS } from '@sei-k8s/contract'
import { SidecarError } from '../errors.js'
import { isBusyError } from '../store/store.js'

export function storeError(action: string, error: unknown): SidecarError {
  if (error instanceof SidecarError) return error
  if (isBusyError(error)) {
    return new SidecarError('STORE_BUSY', action, {
      cause: error,
      retryAfterSeconds: SIDECAR_LIMITS.storeBusyRetryAfterSeconds,
    })
  }
  return new SidecarError('STORE_FAILED', action, { cause: error })
}

/** Runs a synchronous store read, mapping its failure through `storeError`. */
export function storeCall<T>(action: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    throw storeError(action, error)
  }
}
