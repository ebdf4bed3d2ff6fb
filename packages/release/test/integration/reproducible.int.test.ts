/** Two releases of the same version and commit are byte-identical, and SHA256SUMS verifies each. */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { releaseDirs, skipped } from './helpers.js'

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

describe.skipIf(skipped !== undefined)('release reproducibility', () => {
  it('gives byte-identical image tars, manifests, policies and SBOMs in two runs', () => {
    const [first, second] = releaseDirs()
    const list = files(first)
    const core = [
      'SHA256SUMS',
      'images/controller.oci.tar',
      'images/sidecar.oci.tar',
      'manifests/crds/seinodes.sei.io.yaml',
      'manifests/install.yaml',
      'policy/default/kustomization.yaml',
      'sbom/controller.cdx.json',
      'sbom/sidecar.cdx.json',
    ]
    // Whatever policies the generator writes for the sample namespace; nothing else.
    const policy = /^policy\/default\/[a-z0-9-]+\.yaml$/
    expect(list.filter((f) => !core.includes(f) && !policy.test(f))).toEqual([])
    expect(list.filter((f) => f.startsWith('policy/default/sei-node-')).length).toBeGreaterThan(0)
    expect(list).toEqual(expect.arrayContaining(core))
    expect(files(second)).toEqual(list)
    for (const file of list) {
      const same = readFileSync(join(first, file)).equals(readFileSync(join(second, file)))
      expect(same, `${file} differs between the two releases`).toBe(true)
    }
  })

  it('lists every other file in SHA256SUMS, and sha256sum -c verifies them', () => {
    const [first] = releaseDirs()
    const listed = readFileSync(join(first, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.slice(66))
    expect(listed).toEqual(files(first).filter((f) => f !== 'SHA256SUMS'))
    const check = spawnSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: first, encoding: 'utf8' })
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(check.stdout.trim().split('\n')).toHaveLength(listed.length)
  })
})
