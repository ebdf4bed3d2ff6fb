/** Shared by the release integration tests: where the two releases are, and the repository's facts. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'
import type {} from './release-setup.js'

export const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url))

/** The release version: the root package.json's (the CLI's default). */
export const VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version

const runs = inject('releaseRuns')

/** Why the release tests are skipped on this machine (never under CI), or undefined. */
export const skipped = runs.skipped

/** The two release folders; the first is the one the non-comparing tests read. */
export function releaseDirs(): readonly [string, string] {
  if (runs.dirs === undefined) throw new Error(`releases were not built: ${runs.skipped}`)
  return runs.dirs
}
