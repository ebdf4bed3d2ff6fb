import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, tempHome } from '../../__tests__/harness.js'
import { generateIdentity } from './generate-identity.js'
import { generateNodeKeyJson, nodeIdFromKeyJson, nodeKeyPath } from './node-key.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn()
})

describe('node key', () => {
  it('computes the CometBFT node id: hex of the first 20 bytes of SHA-256 of the public key', () => {
    // Seed of 32 zero bytes; its ed25519 public key is 3b6a27bc…da29 (RFC 8032 derivation).
    const seed = Buffer.alloc(32)
    const pub = Buffer.from('3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29', 'hex')
    const json = JSON.stringify({
      priv_key: { type: 'tendermint/PrivKeyEd25519', value: Buffer.concat([seed, pub]).toString('base64') },
    })
    expect(nodeIdFromKeyJson(json)).toBe('139e3940e64b5491722088d9a0d741628fc826e0')
  })

  it('writes a key whose seed and public key belong together', () => {
    const parsed = JSON.parse(generateNodeKeyJson()) as { priv_key: { type: string; value: string } }
    expect(parsed.priv_key.type).toBe('tendermint/PrivKeyEd25519')
    const raw = Buffer.from(parsed.priv_key.value, 'base64')
    expect(raw).toHaveLength(64)
    const privateKey = createPrivateKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        d: raw.subarray(0, 32).toString('base64url'),
        x: raw.subarray(32).toString('base64url'),
      },
      format: 'jwk',
    })
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(32).toString('base64url') },
      format: 'jwk',
    })
    const signature = sign(null, Buffer.from('hello'), privateKey)
    expect(verify(null, Buffer.from('hello'), publicKey, signature)).toBe(true)
  })

  it.each([
    ['not json', /not valid JSON/],
    ['{"priv_key":{"type":"x","value":"AA=="}}', /priv_key must be/],
    ['{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"AA=="}}', /64 bytes, got 1/],
  ])('rejects a malformed key file %s', (text, message) => {
    expect(() => nodeIdFromKeyJson(text)).toThrow(message)
  })
})

describe('generate-identity', () => {
  it('creates node_key.json (mode 0600) once and never replaces it', async () => {
    const { home, remove } = tempHome()
    cleanups.push(remove)
    const first = (await generateIdentity.run({}, contextFor(home))) as { nodeId: string; created: boolean }
    expect(first.created).toBe(true)
    expect(statSync(nodeKeyPath(home)).mode & 0o777).toBe(0o600)
    const before = readFileSync(nodeKeyPath(home), 'utf8')
    const second = (await generateIdentity.run({}, contextFor(home))) as { nodeId: string; created: boolean }
    expect(second).toEqual({ nodeId: first.nodeId, created: false })
    expect(readFileSync(nodeKeyPath(home), 'utf8')).toBe(before)
    expect(nodeIdFromKeyJson(before)).toBe(first.nodeId)
  })
})

describe('generate-identity with the upstream client shape {chainId, moniker}', () => {
  it('writes the moniker to config.toml, keeping its other content', async () => {
    const { home, remove } = tempHome()
    cleanups.push(remove)
    mkdirSync(join(home, 'config'), { recursive: true })
    writeFileSync(
      join(home, 'config', 'config.toml'),
      '# node\nmoniker = "old"\nproxy_app = "tcp://127.0.0.1:26658"\n',
    )
    const result = await generateIdentity.run({ chainId: 'test-1', moniker: 'node-0' }, contextFor(home))
    expect(result).toMatchObject({ created: true })
    expect(readFileSync(join(home, 'config', 'config.toml'), 'utf8')).toBe(
      '# node\nmoniker = "node-0"\nproxy_app = "tcp://127.0.0.1:26658"\n',
    )
  })

  it('fails without writing when chainId is not SEI_CHAIN_ID', async () => {
    const { home, remove } = tempHome()
    cleanups.push(remove)
    await expect(
      generateIdentity.run({ chainId: 'pacific-1', moniker: 'x' }, contextFor(home)),
    ).rejects.toThrow('params.chainId is "pacific-1", but this node joins "test-1" (SEI_CHAIN_ID)')
    expect(existsSync(nodeKeyPath(home))).toBe(false)
  })
})
