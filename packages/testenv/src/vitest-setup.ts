import { ensureBinaries } from './binaries.js'
import { type ControlPlaneInfo, type StartControlPlaneOptions, startControlPlane } from './plane.js'

// Makes the augmentation below resolve; erased from the emitted JavaScript.
export type { ProvidedContext } from 'vitest'

/** PROVIDE_KEY is the vitest `provide`/`inject` key under which the shared plane is published. */
export const PROVIDE_KEY = 'seiTestenv'

declare module 'vitest' {
  export interface ProvidedContext {
    seiTestenv: ControlPlaneInfo
  }
}

/** The part of vitest's TestProject this setup uses (kept structural so vitest stays a dev dependency). */
export interface ProvideTarget {
  provide(key: typeof PROVIDE_KEY, value: ControlPlaneInfo): void
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/**
 * Vitest global setup: builds the binaries if the cache is cold (printing progress), starts ONE
 * control plane for the run and publishes its info; tests call
 * `connectControlPlane(inject('seiTestenv'))`. The returned teardown stops the plane.
 *
 *   // vitest.integration.config.ts
 *   test: { globalSetup: ['@sei-k8s/testenv/vitest-setup'] }
 */
export default function setup(project: ProvideTarget): Promise<() => Promise<void>> {
  return setupControlPlane(project)
}

/**
 * setupControlPlane is the same global setup with plane options, e.g. cluster mode:
 *
 *   // test/integration/global-setup.ts
 *   import { setupControlPlane } from '@sei-k8s/testenv/vitest-setup'
 *   export default (project) => setupControlPlane(project, { cluster: { nodes: 3 } })
 */
export async function setupControlPlane(
  project: ProvideTarget,
  options: Omit<StartControlPlaneOptions, 'log'> = {},
): Promise<() => Promise<void>> {
  await ensureBinaries({ log })
  const plane = await startControlPlane({ ...options, log })
  project.provide(PROVIDE_KEY, plane.info)
  return () => plane.stop()
}
