/**
 * Debian packages of the base layer: fetched with `apt-get download` (which checks them against the
 * signed archive index), verified against the lock's SHA-256, cached by version, unpacked with dpkg-deb.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ReleaseError } from './errors.js'
import { exec } from './exec.js'
import type { DebianPackage } from './lock.js'

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

function onlyDeb(dir: string): string | undefined {
  const debs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.deb')) : []
  return debs.length === 1 && debs[0] !== undefined ? join(dir, debs[0]) : undefined
}

/** Returns the cached .deb of one locked package, downloading it first when missing; checks its SHA-256. */
export function fetchDeb(pkg: DebianPackage, cacheDir: string): string {
  const dir = join(cacheDir, 'debs', pkg.name, pkg.version.replaceAll(':', '%3a'))
  let deb = onlyDeb(dir)
  if (deb === undefined || sha256File(deb) !== pkg.sha256) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    try {
      exec('apt-get', ['download', '-q', `${pkg.name}=${pkg.version}`], { cwd: dir })
    } catch (error) {
      throw new ReleaseError(
        'RELEASE_LOCK_STALE',
        `apt-get download ${pkg.name}=${pkg.version} failed; the archive may no longer serve this version ` +
          `(run \`apt-get update\`, then \`npm run release -- lock\` and commit release.lock.json):\n` +
          (error as Error).message,
      )
    }
    deb = onlyDeb(dir)
    if (deb === undefined)
      throw new ReleaseError('RELEASE_TOOL_FAILED', `apt-get download left no .deb in ${dir}`)
    const actual = sha256File(deb)
    if (actual !== pkg.sha256)
      throw new ReleaseError(
        'RELEASE_CHECKSUM_MISMATCH',
        `${pkg.name}=${pkg.version}: sha256 ${actual} differs from the lock's ${pkg.sha256}`,
      )
  }
  return deb
}

/** Unpacks a .deb's files into root and records its control fields in var/lib/dpkg/status.d/ (for scanners). */
export function unpackDeb(deb: string, name: string, root: string): void {
  exec('dpkg-deb', ['--extract', deb, root])
  const control = exec('dpkg-deb', ['--field', deb])
  const statusDir = join(root, 'var/lib/dpkg/status.d')
  mkdirSync(statusDir, { recursive: true })
  writeFileSync(join(statusDir, name), control)
}

/** The suite codename (`bookworm`) from /etc/os-release's text: the suite `apt-get download` serves. */
export function debianSuite(osRelease: string): string {
  const codename = /^VERSION_CODENAME="?([a-z]+)"?$/m.exec(osRelease)?.[1]
  if (codename === undefined)
    throw new ReleaseError(
      'RELEASE_INPUT_MISSING',
      '/etc/os-release has no VERSION_CODENAME: not a Debian machine?',
    )
  return codename
}

/** Downloads the current candidate of each package and returns its lock entry (for `sei-release lock`). */
export function lockCurrent(names: readonly string[], workDir: string): DebianPackage[] {
  mkdirSync(workDir, { recursive: true })
  return names.map((name) => {
    const dir = join(workDir, name)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    exec('apt-get', ['download', '-q', name], { cwd: dir })
    const deb = onlyDeb(dir)
    if (deb === undefined)
      throw new ReleaseError('RELEASE_TOOL_FAILED', `apt-get download ${name} left no .deb`)
    const field = (f: string) => exec('dpkg-deb', ['--field', deb, f]).trim()
    return { name, version: field('Version'), architecture: field('Architecture'), sha256: sha256File(deb) }
  })
}
