/**
 * The manifest bundle, produced by the apps' own CLIs (no second copy of any object here):
 * `sei-controller manifests --image … --sidecar-image …` for install.yaml and the CRDs, and
 * `sei-policy generate` for a sample namespace's NetworkPolicies.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { exec } from './exec.js'

export interface BundleOptions {
  readonly repoRoot: string
  readonly outDir: string
  readonly scratch: string
  readonly controllerImage: string
  readonly sidecarImage: string
  /** The namespace the sample policies are for, and whose seid-node ServiceAccount the proxy role binds. */
  readonly nodeNamespace: string
}

/** Writes manifests/install.yaml, manifests/crds/*.yaml and policy/<namespace>/ under outDir. */
export function writeBundle(options: BundleOptions): void {
  const { repoRoot, outDir, scratch } = options
  const config = join(scratch, 'controller-config')
  rmSync(config, { recursive: true, force: true })
  exec(process.execPath, [
    join(repoRoot, 'apps/controller/dist/main.js'),
    'manifests',
    '--out-dir',
    config,
    '--image',
    options.controllerImage,
    '--sidecar-image',
    options.sidecarImage,
    '--node-namespace',
    options.nodeNamespace,
  ])
  const manifests = join(outDir, 'manifests')
  mkdirSync(join(manifests, 'crds'), { recursive: true })
  copyFileSync(join(config, 'install.yaml'), join(manifests, 'install.yaml'))
  for (const crd of readdirSync(join(config, 'crd')).sort())
    copyFileSync(join(config, 'crd', crd), join(manifests, 'crds', crd))
  exec(process.execPath, [
    join(repoRoot, 'packages/policy/dist/cli.js'),
    'generate',
    '--namespace',
    options.nodeNamespace,
    '--out-dir',
    join(outDir, 'policy'),
  ])
}
