import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, tempHome } from '../../__tests__/harness.js'
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
const read = (h: string, file: string) => parse(readFileSync(join(h, 'config', file), 'utf8'))

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
