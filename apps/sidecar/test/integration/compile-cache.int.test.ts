/**
 * The bundled bin turns on Node's compile cache before it loads the 2 MB main bundle, so every start
 * after the first reuses the code cache under SEI_HOME (a start-up time target of issue 9).
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeHome, type SidecarProcess, startSidecar, stopSidecar } from './sidecar-process.js'

const home = makeHome()
let sidecar: SidecarProcess | undefined
afterAll(async () => {
  await stopSidecar(sidecar)
  home.remove()
})

/** Bytes of code cache written under the sidecar's compile-cache directory. */
function cachedBytes(): number {
  const root = join(home.home, 'sidecar', 'compile-cache')
  let bytes = 0
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(root, entry))
    if (stat.isFile()) bytes += stat.size
  }
  return bytes
}

describe('compile cache of the bundled bin', () => {
  it('holds the main bundle after a start and is reused by the next start', async () => {
    sidecar = await startSidecar({ home: home.home })
    // The main bundle's code cache is hundreds of KiB; the entry alone would be a few KiB.
    expect(cachedBytes()).toBeGreaterThan(200 * 1024)
    await stopSidecar(sidecar)
    sidecar = await startSidecar({ home: home.home })
    const res = await fetch(`${sidecar.publicUrl}/v0/livez`)
    expect(res.status).toBe(200)
  })
})
