/**
 * One CycloneDX 1.6 JSON SBOM per image. The app's npm tree comes from OWASP CycloneDX's own generator
 * (`@cyclonedx/cyclonedx-npm`, run on the deployed production tree with `--output-reproducible`, which
 * drops its timestamp and random serial number); the base packages and the Node binary are appended as
 * components with the purls and checksums of the lock, since that generator only sees npm packages.
 */

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { exec } from './exec.js'
import type { Lock } from './lock.js'

interface Component {
  readonly type: string
  readonly name: string
  readonly version: string
  readonly 'bom-ref': string
  readonly purl: string
  readonly hashes: readonly { alg: string; content: string }[]
  readonly licenses?: readonly { license: { id: string } }[]
}

interface Bom {
  components?: Component[]
  [key: string]: unknown
}

/** The generator's CLI (its `exports` map hides the bin, so it is found next to the package's main). */
function generatorCli(): string {
  const main = createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-npm')
  return join(dirname(main), 'bin/cyclonedx-npm-cli.js')
}

/** Components for what the npm generator cannot see: the Debian base and the Node binary. */
export function baseComponents(lock: Lock): Component[] {
  const distro = `debian-${lock.debian.suite}`
  const debs = lock.debian.packages.map((pkg) => {
    const purl = `pkg:deb/debian/${pkg.name}@${encodeURIComponent(pkg.version)}?arch=${pkg.architecture}&distro=${distro}`
    return {
      type: 'library',
      name: pkg.name,
      version: pkg.version,
      'bom-ref': purl,
      purl,
      hashes: [{ alg: 'SHA-256', content: pkg.sha256 }],
    }
  })
  const nodePurl = `pkg:npm/${lock.node.package}@${lock.node.version}`
  const node = {
    type: 'application',
    name: lock.node.package,
    version: lock.node.version,
    'bom-ref': nodePurl,
    purl: nodePurl,
    hashes: [
      {
        alg: 'SHA-512',
        content: Buffer.from(lock.node.integrity.slice('sha512-'.length), 'base64').toString('hex'),
      },
    ],
    licenses: [{ license: { id: 'MIT' } }],
  }
  return [...debs, node].sort((a, b) => a['bom-ref'].localeCompare(b['bom-ref']))
}

/** Writes the SBOM of the image whose app was deployed to appDir. */
export function writeSbom(appDir: string, lock: Lock, out: string): void {
  const raw = join(appDir, '..', 'sbom.npm.json')
  // Under `pnpm exec`, npm_execpath names pnpm; the generator must run npm's own `npm ls`.
  const { npm_execpath: _pnpm, ...env } = process.env
  exec(
    process.execPath,
    [
      generatorCli(),
      '--omit',
      'dev',
      '--output-reproducible',
      '--spec-version',
      '1.6',
      '--output-format',
      'JSON',
      '--output-file',
      raw,
    ],
    { cwd: appDir, env },
  )
  const bom = JSON.parse(readFileSync(raw, 'utf8')) as Bom
  bom.components = [...(bom.components ?? []), ...baseComponents(lock)]
  writeFileSync(out, `${JSON.stringify(bom, null, 2)}\n`)
}
