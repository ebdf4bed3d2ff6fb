/**
 * Vitest global setup: runs the real release CLI twice (same version and commit, separate output folders
 * and scratch folders) and publishes where the two releases are. The tools a release needs (umoci, skopeo,
 * apt-get, dpkg-deb) and root (unshare, mount) are checked first: outside CI their absence skips the
 * release tests loudly; under CI=true it fails.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ReleaseRuns {
  /** Output folders of the two releases, or a reason they were not built. */
  readonly dirs: readonly [string, string] | undefined
  readonly skipped: string | undefined
}

declare module 'vitest' {
  export interface ProvidedContext {
    releaseRuns: ReleaseRuns
  }
}

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
const TOOLS = ['umoci', 'skopeo', 'apt-get', 'dpkg-deb', 'unshare', 'sha256sum']

function missingPrerequisite(): string | undefined {
  const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
  if (missing.length > 0) return `missing tools: ${missing.join(', ')} (apt-get install umoci skopeo)`
  if (process.getuid?.() !== 0) return 'not root: running an image needs mount and unshare'
  return undefined
}

export default function setup(project: {
  provide: (key: 'releaseRuns', value: ReleaseRuns) => void
}): () => void {
  const problem = missingPrerequisite()
  if (problem !== undefined) {
    if (process.env['CI'] === 'true') throw new Error(`release integration tests cannot run: ${problem}`)
    process.stderr.write(`\n*** SKIPPED: release integration tests: ${problem} ***\n\n`)
    project.provide('releaseRuns', { dirs: undefined, skipped: problem })
    return () => {}
  }
  const root = mkdtempSync(join(tmpdir(), 'sei-release-test-'))
  const dirs = [join(root, 'first'), join(root, 'second')] as const
  for (const dir of dirs) {
    const started = Date.now()
    const run = spawnSync(process.execPath, [CLI, '--out-dir', dir], { encoding: 'utf8' })
    if (run.status !== 0) throw new Error(`release into ${dir} failed (exit ${run.status}):\n${run.stderr}`)
    process.stderr.write(
      `[release-setup] release into ${dir} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    )
  }
  project.provide('releaseRuns', { dirs, skipped: undefined })
  return () => rmSync(root, { recursive: true, force: true })
}
