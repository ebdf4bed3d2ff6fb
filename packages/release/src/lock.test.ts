import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BASE_PACKAGES, formatLock, parseLock } from './lock.js'
import { pinnedNodeVersion } from './node-binary.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const LOCK_PATH = fileURLToPath(new URL('../release.lock.json', import.meta.url))

describe('release.lock.json', () => {
  const text = readFileSync(LOCK_PATH, 'utf8')
  const lock = parseLock(text, LOCK_PATH)

  it('pins every base package, and only those, by version and sha256', () => {
    expect(lock.debian.packages.map((p) => p.name)).toEqual([...BASE_PACKAGES])
  })

  it('pins the Node version scripts/run.mjs installs (the one the tests run on)', () => {
    expect(lock.node.version).toBe(pinnedNodeVersion(REPO_ROOT))
  })

  it('is committed in its canonical form', () => {
    expect(formatLock(lock)).toBe(text)
  })

  it('rejects a bad checksum naming the field', () => {
    const bad = JSON.parse(text) as { debian: { packages: { sha256: string }[] } }
    const [first] = bad.debian.packages
    if (first) first.sha256 = 'not-hex'
    expect(() => parseLock(JSON.stringify(bad), 'x.json')).toThrow(/\/debian\/packages\/0\/sha256/)
  })
})
