/**
 * Process lifecycle state read by the health endpoints: start-up finished, readiness (mark-ready) and
 * draining. In memory only: readiness is false on every boot, so seid waits for the controller again.
 */

export interface Lifecycle {
  readonly isStarted: boolean
  readonly isReady: boolean
  readonly isDraining: boolean
  /** Store open, tasks rehydrated, both listeners bound. */
  markStarted(): void
  setReady(isReady: boolean): void
  /** SIGTERM received: readiness fails from now on, whatever mark-ready said. */
  startDraining(): void
}

export function createLifecycle(): Lifecycle {
  let isStarted = false
  let isReady = false
  let isDraining = false
  return {
    get isStarted() {
      return isStarted
    },
    get isReady() {
      return isReady
    },
    get isDraining() {
      return isDraining
    },
    markStarted: () => {
      isStarted = true
    },
    setReady: (value) => {
      isReady = value
    },
    startDraining: () => {
      isDraining = true
    },
  }
}
