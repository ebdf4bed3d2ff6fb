/**
 * Where the other workspaces' shipped files are, found through their installed packages (never through a
 * deep import): the declared `bin`s, the controller's `examples/` and its `config/install.yaml`.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The directory of an installed workspace package: walks up from its resolved entry to its package.json. */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }
      if (pkg.name === name) return dir
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json named ${name} above ${require.resolve(name)}`)
    dir = parent
  }
}

/** The single executable a workspace package declares in `bin` (absolute path). */
function packageBin(name: string): string {
  const dir = packageDir(name)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin?: Record<string, string> }
  const bins = Object.values(pkg.bin ?? {})
  if (bins.length !== 1 || !bins[0]) throw new Error(`${name} declares ${bins.length} bins, expected 1`)
  return join(dir, bins[0])
}

/** The sidecar's executable as its package declares it (`bin`), i.e. the bundled `dist/bundle/sei-sidecar.cjs`. */
export function sidecarMain(): string {
  return packageBin('@sei-k8s/sidecar')
}

/** The controller's executable (`bin`: `dist/main.js`). */
export function controllerMain(): string {
  return packageBin('@sei-k8s/controller')
}

/** The path of one SeiNode example shipped in apps/controller/examples/. */
function controllerExamplePath(file: string): string {
  return join(packageDir('@sei-k8s/controller'), 'examples', file)
}

/** The text of one SeiNode example shipped in apps/controller/examples/. */
export function controllerExample(file: string): string {
  return readFileSync(controllerExamplePath(file), 'utf8')
}

/** The shipped install manifest, `apps/controller/config/install.yaml` (one YAML stream). */
export function controllerInstallYaml(): string {
  return readFileSync(join(packageDir('@sei-k8s/controller'), 'config', 'install.yaml'), 'utf8')
}
