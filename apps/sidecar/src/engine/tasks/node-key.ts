/**
 * The node's P2P identity in CometBFT's `node_key.json` layout:
 * `{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":base64(seed ‖ public key)}}`.
 * The node id is the hex of the first 20 bytes of SHA-256 of the 32-byte ed25519 public key.
 */
import { createHash, generateKeyPairSync } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const NODE_KEY_TYPE = 'tendermint/PrivKeyEd25519'

/** `<home>/config/node_key.json`. */
export function nodeKeyPath(home: string): string {
  return join(home, 'config', 'node_key.json')
}

/** A fresh key file's JSON text. */
export function generateNodeKeyJson(): string {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string') throw new Error('ed25519 key export lacks d/x')
  const seed = Buffer.from(jwk.d, 'base64url')
  const publicKey = Buffer.from(jwk.x, 'base64url')
  const value = Buffer.concat([seed, publicKey]).toString('base64')
  return `${JSON.stringify({ priv_key: { type: NODE_KEY_TYPE, value } }, null, 2)}\n`
}

/** The node id of a key file's contents. Throws naming the problem when the file is not a node key. */
export function nodeIdFromKeyJson(text: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error('node_key.json is not valid JSON', { cause: error })
  }
  const key = (parsed as { priv_key?: { type?: unknown; value?: unknown } } | null)?.priv_key
  if (key?.type !== NODE_KEY_TYPE || typeof key.value !== 'string') {
    throw new Error(`node_key.json: priv_key must be {type: "${NODE_KEY_TYPE}", value: base64}`)
  }
  const raw = Buffer.from(key.value, 'base64')
  if (raw.length !== 64) throw new Error(`node_key.json: priv_key.value must be 64 bytes, got ${raw.length}`)
  return createHash('sha256').update(raw.subarray(32)).digest().subarray(0, 20).toString('hex')
}

/** The node id from `<home>/config/node_key.json`, or undefined when the file does not exist. */
export async function readNodeId(home: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(nodeKeyPath(home), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`reading ${nodeKeyPath(home)}`, { cause: error })
  }
  return nodeIdFromKeyJson(text)
}
