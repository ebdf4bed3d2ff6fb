/**
 * `sei-release`: the whole release into outDir. Shared layers (Debian base, Node) are built once; each
 * app adds its deployed production tree. Everything is a function of the commit, the lock and the
 * flags, so two runs give the same bytes (the reproducibility test checks it).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP_DIR, deployApp } from './app.js'
import { buildBaseRoot, NONROOT_ID } from './base.js'
import { SUMS_FILE, writeSums } from './checksums.js'
import { ReleaseError } from './errors.js'
import { exec } from './exec.js'
import { buildImage, type LayerSpec } from './image.js'
import { writeTar } from './layer.js'
import { type Lock, readLock } from './lock.js'
import { writeBundle } from './manifests.js'
import { fetchNodePackage, installNode, NODE_PATH, pinnedNodeVersion } from './node-binary.js'
import { APPS, type App, imageRef, imageTag } from './refs.js'
import { writeSbom } from './sbom.js'

export interface ReleaseOptions {
  readonly repoRoot: string
  readonly outDir: string
  readonly version: string
  readonly repository: string
  readonly nodeNamespace: string
  readonly cacheDir: string
  readonly log: (line: string) => void
}

export interface ImageSummary {
  readonly app: string
  readonly ref: string
  /** Bytes of the oci-archive file. */
  readonly archiveBytes: number
}

/** The node layer: modes set by installNode, only the umask's traces normalised (node keeps its x bit). */
const NODE_MODES = 'u=rwX,go=rX'
/**
 * The app layer: 0644 files and 0755 directories. Nothing in it is executed directly (node loads the
 * files), and its x bits depend on the order of build and install (pnpm chmods bin targets it links).
 */
const APP_MODES = 'u=rw,go=r,a+X'

/** The environment of every image's config (the Dockerfiles set the same; a unit test compares them). */
export const IMAGE_ENV = ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'] as const

export const LOCK_FILE = 'packages/release/release.lock.json'

function gitFacts(repoRoot: string): { commit: string; time: number; dirty: boolean } {
  const git = (...args: string[]) => exec('git', ['-C', repoRoot, ...args]).trim()
  return {
    commit: git('rev-parse', 'HEAD'),
    time: Number(git('log', '-1', '--format=%ct', 'HEAD')),
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  }
}

function requireBuilt(repoRoot: string): void {
  const entries = APPS.map((app) => `${app.dir}/${app.entry}`)
  for (const path of [...entries, 'packages/policy/dist/cli.js']) {
    try {
      statSync(join(repoRoot, path))
    } catch {
      throw new ReleaseError('RELEASE_INPUT_MISSING', `${path} is missing: build first (npm run build)`)
    }
  }
}

/** What a release writes at the top of its folder; a folder holding only these is an earlier release. */
const RELEASE_ENTRIES = new Set(['images', 'sbom', 'manifests', 'policy', SUMS_FILE])

/**
 * Empties the output folder, refusing one that holds anything but (part of) an earlier release: a
 * mistyped `--out-dir .` must not delete a checkout.
 */
function clearOutDir(outDir: string): void {
  const foreign = existsSync(outDir) ? readdirSync(outDir).filter((e) => !RELEASE_ENTRIES.has(e)) : []
  if (foreign.length > 0)
    throw new ReleaseError(
      'RELEASE_OUT_DIR_OCCUPIED',
      `--out-dir ${outDir} holds ${foreign.slice(0, 3).join(', ')}, which no release writes; refusing to replace it`,
    )
  rmSync(outDir, { recursive: true, force: true })
}

/** The lock, checked to pin the Node version scripts/run.mjs pins. */
function checkedLock(repoRoot: string): Lock {
  const lock = readLock(join(repoRoot, LOCK_FILE))
  const nodeVersion = pinnedNodeVersion(repoRoot)
  if (lock.node.version !== nodeVersion)
    throw new ReleaseError(
      'RELEASE_LOCK_STALE',
      `${LOCK_FILE} pins node ${lock.node.version} but scripts/run.mjs pins ${nodeVersion}: run \`npm run release -- lock\``,
    )
  return lock
}

/**
 * One app's whole image root in a plain folder (base + Node + app, what the three layers hold), for the
 * Dockerfiles: `COPY --from=build /rootfs/ /` into `FROM scratch` gives the same files and config.
 */
export function assembleRoot(repoRoot: string, cacheDir: string, app: App, dir: string): void {
  requireBuilt(repoRoot)
  const lock = checkedLock(repoRoot)
  const scratch = mkdtempSync(join(tmpdir(), 'sei-release-'))
  try {
    buildBaseRoot(lock, cacheDir, dir)
    installNode(fetchNodePackage(lock.node, cacheDir), dir, join(scratch, 'node-pkg'))
    deployApp(repoRoot, app.package, join(dir, APP_DIR))
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

export function release(options: ReleaseOptions): ImageSummary[] {
  const { repoRoot, outDir, version, repository, log } = options
  requireBuilt(repoRoot)
  const git = gitFacts(repoRoot)
  if (git.dirty) log(`warning: uncommitted changes; images are labelled with commit ${git.commit} anyway`)
  const lock = checkedLock(repoRoot)
  const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { license?: string }
  const scratch = mkdtempSync(join(tmpdir(), 'sei-release-'))
  try {
    clearOutDir(outDir)
    mkdirSync(join(outDir, 'images'), { recursive: true })
    mkdirSync(join(outDir, 'sbom'), { recursive: true })

    log(`base layer: ${lock.debian.packages.map((p) => `${p.name}=${p.version}`).join(' ')}`)
    buildBaseRoot(lock, options.cacheDir, join(scratch, 'base'))
    writeTar(join(scratch, 'base'), join(scratch, 'base.tar'), { mtime: git.time })
    log(`node layer: ${lock.node.package}@${lock.node.version}`)
    installNode(
      fetchNodePackage(lock.node, options.cacheDir),
      join(scratch, 'node'),
      join(scratch, 'node-pkg'),
    )
    writeTar(join(scratch, 'node'), join(scratch, 'node.tar'), { mtime: git.time, mode: NODE_MODES })
    const shared: LayerSpec[] = [
      { tar: join(scratch, 'base.tar'), createdBy: `debian ${lock.debian.suite} packages from ${LOCK_FILE}` },
      { tar: join(scratch, 'node.tar'), createdBy: `${lock.node.package}@${lock.node.version} bin/node` },
    ]

    const summaries: ImageSummary[] = []
    for (const app of APPS) {
      const ref = imageRef(repository, app.name, version)
      log(`${app.name}: pnpm deploy --prod ${app.package}`)
      const appRoot = join(scratch, `${app.name}-root`)
      const appDir = join(appRoot, APP_DIR)
      deployApp(repoRoot, app.package, appDir)
      const appTar = join(scratch, `${app.name}.tar`)
      writeTar(appRoot, appTar, { mtime: git.time, mode: APP_MODES })
      const description = (
        JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { description?: string }
      ).description
      const archive = join(outDir, 'images', `${app.name}.oci.tar`)
      buildImage(
        {
          tag: imageTag(version),
          created: git.time,
          layers: [...shared, { tar: appTar, createdBy: `pnpm deploy --prod ${app.package}` }],
          config: {
            user: `${NONROOT_ID}:${NONROOT_ID}`,
            workingDir: APP_DIR,
            entrypoint: [NODE_PATH, `${APP_DIR}/${app.entry}`],
            env: [...IMAGE_ENV, ...app.env],
            labels: {
              'org.opencontainers.image.title': `sei-k8s ${app.name}`,
              ...(description === undefined ? {} : { 'org.opencontainers.image.description': description }),
              'org.opencontainers.image.version': version,
              'org.opencontainers.image.revision': git.commit,
              'org.opencontainers.image.created': new Date(git.time * 1000)
                .toISOString()
                .replace('.000Z', 'Z'),
              'org.opencontainers.image.licenses': rootPkg.license ?? 'UNLICENSED',
              'org.opencontainers.image.ref.name': ref,
            },
          },
        },
        join(scratch, `${app.name}-layout`),
        archive,
      )
      writeSbom(appDir, lock, join(outDir, 'sbom', `${app.name}.cdx.json`))
      const archiveBytes = statSync(archive).size
      log(`${app.name}: ${ref} → images/${app.name}.oci.tar (${(archiveBytes / 1e6).toFixed(1)} MB)`)
      summaries.push({ app: app.name, ref, archiveBytes })
    }

    log('manifests and policy')
    writeBundle({
      repoRoot,
      outDir,
      scratch,
      controllerImage: imageRef(repository, 'controller', version),
      sidecarImage: imageRef(repository, 'sidecar', version),
      nodeNamespace: options.nodeNamespace,
    })
    writeSums(outDir)
    return summaries
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
