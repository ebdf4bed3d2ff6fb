/**
 * The bearer token for kube-rbac-proxy: the controller's projected ServiceAccount token file. The kubelet
 * rotates it (about hourly), so the file is re-read when its mtime or size changes, and once more on
 * demand (`read({fresh: true})`) after a 401.
 */
import { readFile, stat } from 'node:fs/promises'

export interface TokenSource {
  /** The current token. Throws (with the path) when the file cannot be read or is empty. */
  read(options?: { readonly fresh?: boolean }): Promise<string>
}

export function createTokenSource(path: string): TokenSource {
  let cached: { token: string; stamp: string } | undefined
  return {
    async read(options = {}) {
      try {
        const info = await stat(path)
        const stamp = `${info.mtimeMs}/${info.size}/${info.ino}`
        if (cached !== undefined && cached.stamp === stamp && options.fresh !== true) return cached.token
        const token = (await readFile(path, 'utf8')).trim()
        if (token === '') throw new Error('the file is empty')
        cached = { token, stamp }
        return token
      } catch (error) {
        throw new Error(`reading the ServiceAccount token ${path}: ${(error as Error).message}`, {
          cause: error,
        })
      }
    },
  }
}
