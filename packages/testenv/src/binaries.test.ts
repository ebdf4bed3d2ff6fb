import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureBinaries, findBinaries, missingBinaries } from './binaries.js'
import { TOOL_NAMES } from './versions.js'

const dirs: string[] = []
function emptyCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-cache-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('binaries', () => {
  it('reports every tool missing from an empty cache', () => {
    expect(missingBinaries({ env: { SEI_TESTENV_CACHE: emptyCache() } })).toEqual([...TOOL_NAMES])
  })

  it('looks only at the tools asked for (the apiserver-only plane needs etcd + kube-apiserver)', () => {
    const env = { SEI_TESTENV_CACHE: emptyCache() }
    expect(missingBinaries({ env, tools: ['kwok', 'etcd'] })).toEqual(['etcd', 'kwok'])
    expect(() => findBinaries({ env, tools: ['kubeScheduler'] })).toThrow(/kube-scheduler-v1\.37\.2/)
  })

  it('refuses to start from a cold cache with the build command in the message', () => {
    expect(() => findBinaries({ env: { SEI_TESTENV_CACHE: emptyCache() } })).toThrow(
      /TESTENV_BINARIES_MISSING.*cli\.js build/,
    )
  })

  it('names a missing Go toolchain instead of failing obscurely', async () => {
    const env = { SEI_TESTENV_CACHE: emptyCache(), PATH: '/nonexistent', HOME: tmpdir() }
    await expect(ensureBinaries({ env })).rejects.toThrow(/TESTENV_GO_MISSING/)
  })
})
