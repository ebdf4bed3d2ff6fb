import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { parse } from '@decimalturn/toml-patch'
import { SIDECAR_LIMITS } from '@sei-k8s/contract'
import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, tempHome } from '../../__tests__/harness.js'
import { removeStaleTempFiles } from './atomic-write.js'
import { configPatch } from './config-patch.js'
import { configValidate } from './config-validate.js'
import { deepMerge } from './toml-files.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn()
})
function home(files: Record<string, string> = {}): string {
  const { home, remove } = tempHome()
  cleanups.push(remove)
  mkdirSync(join(home, 'config'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, 'config', name), text)
  return home
}
const text = (h: string, file: string) => readFileSync(join(h, 'config', file), 'utf8')
const read = (h: string, file: string) => ({ ...parse(text(h, file), { integersAsBigInt: 'asNeeded' }) })

describe('deepMerge', () => {
  it('merges tables key by key and replaces scalars and arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: 'y' })).toEqual({
      a: { b: 1, c: [3], e: true },
      d: 'y',
    })
  })
})

describe('config-patch', () => {
  it('deep-merges into existing files and creates missing ones, leaving no temp files', async () => {
    const h = home({ 'config.toml': 'moniker = "old"\n[p2p]\nladdr = "tcp://0.0.0.0:26656"\nseeds = ""\n' })
    const result = await configPatch.run(
      {
        files: {
          'config.toml': { p2p: { seeds: 'a@b:26656' } },
          'app.toml': { 'minimum-gas-prices': '0.01usei' },
        },
      },
      contextFor(h),
    )
    expect(result).toEqual({ patched: ['app.toml', 'config.toml'] })
    expect(read(h, 'config.toml')).toEqual({
      moniker: 'old',
      p2p: { laddr: 'tcp://0.0.0.0:26656', seeds: 'a@b:26656' },
    })
    expect(read(h, 'app.toml')).toEqual({ 'minimum-gas-prices': '0.01usei' })
    expect(readdirSync(join(h, 'config')).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('changes nothing when a value cannot be written as TOML', async () => {
    const h = home({ 'app.toml': 'a = 1\n' })
    await expect(
      configPatch.run({ files: { 'app.toml': { a: 2 }, 'client.toml': { x: { y: null } } } }, contextFor(h)),
    ).rejects.toThrow('files["client.toml"].x.y: null cannot be written to TOML')
    expect(read(h, 'app.toml')).toEqual({ a: 1 })
  })

  it('keeps comments, untouched floats and exact int64 values, and writes bigint patches digit for digit', async () => {
    const original = [
      '# seid app config',
      'halt-height = 9223372036854775807 # int64 max',
      'ratio = 1.0',
      '',
      '[state-sync]',
      '# snapshot interval',
      'snapshot-interval = 0',
      '',
    ].join('\n')
    const h = home({ 'app.toml': original })
    await configPatch.run(
      { files: { 'app.toml': { 'state-sync': { 'snapshot-interval': 9007199254740993n }, x: 2.5 } } },
      contextFor(h),
    )
    const out = text(h, 'app.toml')
    expect(out).toContain('# seid app config')
    expect(out).toContain('halt-height = 9223372036854775807 # int64 max')
    expect(out).toContain('ratio = 1.0')
    expect(out).toContain('# snapshot interval')
    expect(out).toContain('snapshot-interval = 9007199254740993')
    expect(read(h, 'app.toml')['x']).toBe(2.5)
    // A second patch of the same file still works (the int64 above 2^53 is read exactly).
    await configPatch.run({ files: { 'app.toml': { ratio: 2 } } }, contextFor(h))
    expect(text(h, 'app.toml')).toContain('halt-height = 9223372036854775807')
  })

  it.each([
    ['a lone surrogate', { s: 'a\ud800b' }, /files\["app\.toml"\]\.s: string contains a lone surrogate/],
    [
      'an integer beyond int64',
      { n: 2n ** 63n },
      /files\["app\.toml"\]\.n: 9223372036854775808 is outside the TOML integer range/,
    ],
  ])('rejects %s, writing nothing', async (_name, patch, message) => {
    const h = home({ 'app.toml': 'a = 1\n' })
    await expect(configPatch.run({ files: { 'app.toml': patch } }, contextFor(h))).rejects.toThrow(message)
    expect(text(h, 'app.toml')).toBe('a = 1\n')
  })

  it('keeps the mode and owner of a patched file', async () => {
    const h = home({ 'config.toml': 'a = 1\n' })
    const path = join(h, 'config', 'config.toml')
    chmodSync(path, 0o600)
    if (process.getuid?.() === 0) chownSync(path, 1234, 1234)
    await configPatch.run({ files: { 'config.toml': { b: 2 } } }, contextFor(h))
    const stat = statSync(path)
    expect(stat.mode & 0o777).toBe(0o600)
    if (process.getuid?.() === 0) expect([stat.uid, stat.gid]).toEqual([1234, 1234])
    expect(read(h, 'config.toml')).toEqual({ a: 1, b: 2 })
  })

  it('refuses a symlinked config file, reading and writing nothing', async () => {
    const h = home({ 'target.toml': 'secret = 1\n' })
    symlinkSync(join(h, 'config', 'target.toml'), join(h, 'config', 'app.toml'))
    await expect(configPatch.run({ files: { 'app.toml': { a: 1 } } }, contextFor(h))).rejects.toThrow(
      /app\.toml is a symlink; refusing/,
    )
    expect(text(h, 'target.toml')).toBe('secret = 1\n')
  })

  it('refuses a result over the config file size limit, writing nothing', async () => {
    const h = home({ 'app.toml': `big = "${'x'.repeat(SIDECAR_LIMITS.maxConfigFileBytes)}"\n` })
    await expect(configPatch.run({ files: { 'app.toml': { a: 1 } } }, contextFor(h))).rejects.toThrow(
      /over the limit of 4194304; nothing written/,
    )
  })
})

describe('removeStaleTempFiles', () => {
  it('deletes temp files of interrupted writes and nothing else', async () => {
    const h = home({ 'app.toml': 'a = 1\n', '.app.toml.0123456789ab.tmp': 'torn', '.hidden': 'keep' })
    expect(await removeStaleTempFiles(join(h, 'config'))).toEqual(['.app.toml.0123456789ab.tmp'])
    expect(readdirSync(join(h, 'config')).sort()).toEqual(['.hidden', 'app.toml'])
  })

  it('fails naming the file when an existing file is not TOML', async () => {
    const h = home({ 'app.toml': 'this is = = not toml' })
    await expect(configPatch.run({ files: { 'app.toml': { a: 1 } } }, contextFor(h))).rejects.toThrow(
      /parsing .*app\.toml/,
    )
  })
})

describe('config-validate', () => {
  const valid = { 'app.toml': 'a = 1\n', 'config.toml': 'b = 2\n', 'client.toml': 'chain-id = "test-1"\n' }

  it('passes when the files parse and chain-id matches SEI_CHAIN_ID', async () => {
    expect(await configValidate.run({}, contextFor(home(valid)))).toEqual({ valid: true, chainId: 'test-1' })
  })

  it('fails on a chain-id mismatch, naming both values', async () => {
    const h = home({ ...valid, 'client.toml': 'chain-id = "pacific-1"\n' })
    await expect(configValidate.run({}, contextFor(h))).rejects.toThrow(
      'client.toml chain-id is "pacific-1", expected "test-1" (SEI_CHAIN_ID)',
    )
  })

  it('lists every missing or unparsable file', async () => {
    const h = home({ 'app.toml': '[[[' })
    await expect(configValidate.run({}, contextFor(h))).rejects.toThrow(
      /parsing .*app\.toml.*config\.toml: missing.*client\.toml: missing/,
    )
  })
})
