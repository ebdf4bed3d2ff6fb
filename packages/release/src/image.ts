/**
 * One OCI image from prepared layer tars, with umoci writing the layout, manifest and config and GNU tar
 * packing the layout as an `oci-archive` (what `skopeo copy oci-archive:…` reads). Every `created` field
 * is the commit time: umoci stamps "now" otherwise, and the digests would change per run.
 */
import { rmSync } from 'node:fs'
import { exec } from './exec.js'
import { writeTar } from './layer.js'

export interface LayerSpec {
  /** Uncompressed layer tar. */
  readonly tar: string
  /** The history entry's created_by: what put these files there. */
  readonly createdBy: string
}

interface ImageConfig {
  readonly user: string
  readonly workingDir: string
  readonly entrypoint: readonly string[]
  readonly env: readonly string[]
  readonly labels: Readonly<Record<string, string>>
}

export interface ImageSpec {
  /** Tag inside the layout (`org.opencontainers.image.ref.name`). */
  readonly tag: string
  /** Seconds since the epoch: the commit time. */
  readonly created: number
  readonly layers: readonly LayerSpec[]
  readonly config: ImageConfig
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

/** Builds the image into layoutDir (an OCI image layout) and packs it to archive. */
export function buildImage(spec: ImageSpec, layoutDir: string, archive: string): void {
  rmSync(layoutDir, { recursive: true, force: true })
  const image = `${layoutDir}:${spec.tag}`
  const created = iso(spec.created)
  exec('umoci', ['init', '--layout', layoutDir])
  exec('umoci', ['new', '--image', image])
  for (const layer of spec.layers) {
    exec('umoci', [
      'raw',
      'add-layer',
      '--image',
      image,
      `--history.created=${created}`,
      `--history.created_by=${layer.createdBy}`,
      layer.tar,
    ])
  }
  const { config } = spec
  exec('umoci', [
    'config',
    '--image',
    image,
    '--no-history',
    `--created=${created}`,
    '--os=linux',
    '--architecture=amd64',
    `--config.user=${config.user}`,
    `--config.workingdir=${config.workingDir}`,
    ...config.entrypoint.map((arg) => `--config.entrypoint=${arg}`),
    ...config.env.map((env) => `--config.env=${env}`),
    ...Object.entries(config.labels).map(([key, value]) => `--config.label=${key}=${value}`),
  ])
  // Each umoci step wrote a new manifest and config; drop the superseded blobs.
  exec('umoci', ['gc', '--layout', layoutDir])
  writeTar(layoutDir, archive, { mtime: spec.created })
}
