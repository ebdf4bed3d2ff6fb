import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenSource } from './token.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tokenFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-'))
  dirs.push(dir)
  const path = join(dir, 'token')
  writeFileSync(path, content)
  return path
}

describe('token source', () => {
  it('serves the cached token between checks, picks a rotation up after 10 s, at once when fresh', async () => {
    let clock = 0
    const path = tokenFile('one\n')
    const token = createTokenSource(path, () => clock)
    expect(await token.read()).toBe('one')
    writeFileSync(path, 'two-rotated')
    clock = 9_999
    expect(await token.read()).toBe('one')
    expect(await token.read({ fresh: true })).toBe('two-rotated')
    writeFileSync(path, 'three')
    clock = 9_999 + 10_000
    expect(await token.read()).toBe('three')
  })

  it('names the file when it is missing or empty', async () => {
    await expect(createTokenSource('/nonexistent/token').read()).rejects.toThrow(
      'reading the ServiceAccount token /nonexistent/token',
    )
    await expect(createTokenSource(tokenFile('  \n')).read()).rejects.toThrow('the file is empty')
  })
})
