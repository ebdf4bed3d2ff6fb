/** Names of a release: its apps, image references and tags, from the version and the repository prefix. */

import { APP_NODE_OPTIONS, SIDECAR_MALLOC_ENV } from '@sei-k8s/contract'

export interface App {
  /** Image name under the repository, and the file stem of its artefacts. */
  readonly name: 'sidecar' | 'controller'
  /** Workspace package deployed into the image. */
  readonly package: string
  /** The package's folder in the repository. */
  readonly dir: string
  /** The script the image runs, relative to the app directory: the package's own executable. */
  readonly entry: string
  /** Environment this app needs on top of the image-wide environment. */
  readonly env: readonly string[]
}

export const APPS: readonly App[] = [
  // The sidecar's bin is its bundle (start-up time); its heap and malloc settings bound RSS after task
  // bursts.
  {
    name: 'sidecar',
    package: '@sei-k8s/sidecar',
    dir: 'apps/sidecar',
    entry: 'dist/bundle/sei-sidecar.cjs',
    env: [
      `NODE_OPTIONS=${APP_NODE_OPTIONS}`,
      ...Object.entries(SIDECAR_MALLOC_ENV).map(([name, value]) => `${name}=${value}`),
    ],
  },
  {
    name: 'controller',
    package: '@sei-k8s/controller',
    dir: 'apps/controller',
    entry: 'dist/main.js',
    env: [],
  },
]

export const DEFAULT_REPOSITORY = 'localhost/sei-k8s'

const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/
// registry[:port]/path, lowercase, no tag or digest: the part before `/<app>:<tag>`.
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/

/** Returns an error message for a bad version, or undefined. */
export function checkVersion(version: string): string | undefined {
  return VERSION.test(version)
    ? undefined
    : `--version must be a semantic version like 1.2.3, got "${version}"`
}

/** Returns an error message for a bad repository prefix, or undefined. */
export function checkRepository(repository: string): string | undefined {
  return REPOSITORY.test(repository)
    ? undefined
    : `--repository must be a lowercase registry/path without a tag, like ${DEFAULT_REPOSITORY}, got "${repository}"`
}

/** The image tag of a release: `v<version>`, as the controller's built-in default images use. */
export function imageTag(version: string): string {
  return `v${version}`
}

export function imageRef(repository: string, app: App['name'], version: string): string {
  return `${repository}/${app}:${imageTag(version)}`
}
