/**
 * The distroless-style base root: the locked Debian packages unpacked (no maintainer scripts run), minus
 * what only a package manager or a person reads, plus the few files a non-root process expects.
 */
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { fetchDeb, unpackDeb } from './debian.js'
import type { Lock } from './lock.js'

/** The image's non-root user and group (distroless's `nonroot`); the config's `User`. */
export const NONROOT_ID = 65532

/** Trees no process in the image reads: manuals, lintian overrides, debugger helpers, the CA update script. */
const PRUNED = [
  'usr/share/man',
  'usr/share/lintian',
  'usr/share/gdb',
  'usr/share/gcc',
  'usr/sbin',
  'etc/ca-certificates',
]

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else out.push(path)
  }
  return out
}

/**
 * Keeps only each package's copyright file under usr/share/doc (licences must ship with the binaries).
 * Some packages' doc entries are symlinks to another package's (libgcc-s1 → gcc-12-base): those stay.
 */
function pruneDocs(root: string): void {
  const docs = join(root, 'usr/share/doc')
  for (const entry of readdirSync(docs, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const pkg = join(docs, entry.name)
    for (const file of filesUnder(pkg)) if (relative(pkg, file) !== 'copyright') rmSync(file)
    for (const sub of readdirSync(pkg, { withFileTypes: true }))
      if (sub.isDirectory()) rmSync(join(pkg, sub.name), { recursive: true })
  }
}

/**
 * The CA bundle update-ca-certificates would write (it is a shell script, and no script runs here): every
 * certificate the package ships, in sorted order, concatenated.
 */
function writeCaBundle(root: string): void {
  const shipped = join(root, 'usr/share/ca-certificates')
  const bundle = join(root, 'etc/ssl/certs/ca-certificates.crt')
  mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true })
  writeFileSync(bundle, '')
  for (const cert of filesUnder(shipped).sort()) {
    // A certificate without a final newline would merge with the next PEM block.
    const pem = readFileSync(cert, 'utf8')
    appendFileSync(bundle, pem.endsWith('\n') ? pem : `${pem}\n`)
  }
}

function writeEtc(root: string): void {
  const files: [string, string][] = [
    [
      'etc/passwd',
      `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_ID}:${NONROOT_ID}:nonroot:/home/nonroot:/sbin/nologin\n`,
    ],
    ['etc/group', `root:x:0:\nnonroot:x:${NONROOT_ID}:\n`],
    ['etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n'],
  ]
  for (const [path, content] of files) {
    writeFileSync(join(root, path), content)
    chmodSync(join(root, path), 0o644)
  }
  for (const dir of ['root', 'home/nonroot']) {
    mkdirSync(join(root, dir), { recursive: true })
    chmodSync(join(root, dir), dir === 'root' ? 0o700 : 0o755)
  }
  mkdirSync(join(root, 'tmp'), { recursive: true })
  chmodSync(join(root, 'tmp'), 0o1777)
}

/** Assembles the base root in root (which must not exist yet) from the lock's Debian packages. */
export function buildBaseRoot(lock: Lock, cacheDir: string, root: string): void {
  mkdirSync(root, { recursive: true })
  for (const pkg of lock.debian.packages) unpackDeb(fetchDeb(pkg, cacheDir), pkg.name, root)
  for (const path of PRUNED) rmSync(join(root, path), { recursive: true, force: true })
  pruneDocs(root)
  writeCaBundle(root)
  writeEtc(root)
  // Directories this code created carry the process umask; pin them so layer bytes do not depend on it.
  for (const dir of [
    'etc',
    'etc/ssl',
    'etc/ssl/certs',
    'var',
    'var/lib',
    'var/lib/dpkg',
    'var/lib/dpkg/status.d',
  ])
    chmodSync(join(root, dir), 0o755)
}
