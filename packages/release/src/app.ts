/**
 * The app layer: the app's production-only files from `pnpm deploy --prod` with a flat (hoisted)
 * node_modules, then stripped of pnpm's bookkeeping, which records the checkout's absolute path and would
 * make the layer depend on where the repository was cloned.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ReleaseError } from './errors.js'
import { exec } from './exec.js'

/** Where the app lives in the image; the config's WorkingDir. */
export const APP_DIR = '/app'

/** pnpm's per-install state: lock, virtual store, modules manifest, bin links (nothing runs a bin here). */
const BOOKKEEPING = [
  'pnpm-lock.yaml',
  'node_modules/.modules.yaml',
  'node_modules/.pnpm-workspace-state-v1.json',
  'node_modules/.pnpm',
  'node_modules/.bin',
]

interface PackageJson {
  name: string
  version: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  scripts?: Record<string, string>
  [key: string]: unknown
}

/**
 * The deployed package.json without dev-only fields, each `file:` dependency (a workspace package, written
 * by pnpm as an absolute path) replaced by the version that was deployed. A workspace package deployed as a
 * dependency keeps its `workspace:`/`catalog:` specs, which npm cannot read (`npm ls` of the SBOM calls them
 * invalid): those become the deployed version too.
 */
export function normalizePackageJson(
  pkg: PackageJson,
  installedVersion: (name: string) => string,
): PackageJson {
  const { devDependencies: _dev, scripts: _scripts, ...rest } = pkg
  const dependencies = Object.fromEntries(
    Object.entries(pkg.dependencies ?? {})
      // pnpm writes them in resolution order, which varies between runs.
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, spec]) => [
        name,
        spec.includes('file:') || spec.startsWith('workspace:') || spec.startsWith('catalog:')
          ? installedVersion(name)
          : spec,
      ]),
  )
  return { ...rest, dependencies }
}

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) hits.push(...filesContaining(path, needle))
    else if (entry.isFile() && readFileSync(path).includes(needle)) hits.push(path)
  }
  return hits
}

/** Deploys workspace package `name` into dir (production dependencies only) and normalises it. */
export function deployApp(repoRoot: string, name: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  exec('pnpm', ['--filter', name, 'deploy', '--prod', '--config.node-linker=hoisted', dir], { cwd: repoRoot })
  for (const path of BOOKKEEPING) rmSync(join(dir, path), { recursive: true, force: true })
  const pkgPath = join(dir, 'package.json')
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PackageJson
  const installed = (dep: string): string => {
    const path = join(dir, 'node_modules', dep, 'package.json')
    if (!existsSync(path))
      throw new ReleaseError('RELEASE_INPUT_MISSING', `${name}: deployed ${dep} is missing`)
    return (JSON.parse(readFileSync(path, 'utf8')) as PackageJson).version
  }
  writeFileSync(pkgPath, `${JSON.stringify(normalizePackageJson(pkg, installed), null, 2)}\n`)
  // Workspace packages among the dependencies (e.g. the controller's @sei-k8s/policy) carry workspace
  // specs of their own; with the hoisted linker their dependencies sit in the app's node_modules.
  for (const [dep, spec] of Object.entries(pkg.dependencies ?? {})) {
    if (!spec.includes('file:') && !spec.startsWith('workspace:')) continue
    const depPath = join(dir, 'node_modules', dep, 'package.json')
    const depPkg = JSON.parse(readFileSync(depPath, 'utf8')) as PackageJson
    // pnpm deploy hard-links an injected workspace package's files to the checkout: unlink before
    // writing, or the write would rewrite the workspace's own package.json.
    rmSync(depPath)
    writeFileSync(depPath, `${JSON.stringify(normalizePackageJson(depPkg, installed), null, 2)}\n`)
  }
  for (const needle of [repoRoot, dir]) {
    const leaks = filesContaining(dir, needle)
    if (leaks.length > 0)
      throw new ReleaseError(
        'RELEASE_TOOL_FAILED',
        `${name}: deployed files still name ${needle} (the layer would depend on the checkout path): ${leaks.slice(0, 5).join(', ')}`,
      )
  }
}
