/**
 * The bearer token for kube-rbac-proxy: the controller's projected ServiceAccount token file. The kubelet
 * rotates it (about hourly, well before the old one expires), so the file is re-read when its mtime or
 * size changes, looked at no more than once per RECHECK_MS (a stat per sidecar call was a tenth of the
 * controller's CPU with 1,000 nodes), and once more on demand (`read({fresh: true})`) after a 401.
 */
import { readFile, stat } from 'node:fs/promises'

export interface TokenSource {
  /** The current token. Throws (with the path) when the file cannot be read or is empty. */
  read(options?: { readonly fresh?: boolean }): Promise<string>
}

/** client-go re-reads a token file every minute; ten seconds keeps a rotation's lag short. */
const RECHECK_MS = 10_000

export function createTokenSource(path: string, now: () => number = Date.now): TokenSource {
  let cached: { token: string; stamp: string; checkedAt: number } | undefined
  return {
    async read(options = {}) {
      if (cached !== undefined && options.fresh !== true && now() - cached.checkedAt < RECHECK_MS) {
        return cached.token
      }
      try {
        const info = await stat(path)
        const stamp = `${info.mtimeMs}/${info.size}/${info.ino}`
        if (cached !== undefined && cached.stamp === stamp && options.fresh !== true) {
          cached.checkedAt = now()
          return cached.token
        }
        const token = (await readFile(path, 'utf8')).trim()
        if (token === '') throw new Error('the file is empty')
        cached = { token, stamp, checkedAt: now() }
        return token
      } catch (error) {
        throw new Error(`reading the ServiceAccount token ${path}: ${(error as Error).message}`, {
          cause: error,
        })
      }
    },
  }
}
