/** SHA256SUMS over every file of the release, paths relative to its root, in `sha256sum -c` format. */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

export const SUMS_FILE = 'SHA256SUMS'

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? files(path) : [path]
  })
}

/** The SHA256SUMS text for these (relative path, bytes) pairs, sorted by path. */
export function formatSums(entries: readonly (readonly [string, Buffer])[]): string {
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, bytes]) => `${createHash('sha256').update(bytes).digest('hex')}  ${path}\n`)
    .join('')
}

/** Writes root/SHA256SUMS over every other file under root. */
export function writeSums(root: string): void {
  const entries = files(root)
    .map((path) => relative(root, path).split(sep).join('/'))
    .filter((path) => path !== SUMS_FILE)
    .map((path) => [path, readFileSync(join(root, path))] as const)
  writeFileSync(join(root, SUMS_FILE), formatSums(entries))
}
