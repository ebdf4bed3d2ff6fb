import { join } from 'node:path'

/** TESTENV_ENV: environment variables testenv reads (only `cli.ts` and callers pass `process.env` in). */
export const TESTENV_ENV = {
  /** Directory holding the cached binaries; default `${XDG_CACHE_HOME:-~/.cache}/sei-k8s-testenv`. */
  cacheDir: 'SEI_TESTENV_CACHE',
  xdgCacheHome: 'XDG_CACHE_HOME',
  /** Printed by `up`; read by tests that connect to an already running plane. */
  apiUrl: 'SEI_TESTENV_API_URL',
  caFile: 'SEI_TESTENV_CA_FILE',
  adminToken: 'SEI_TESTENV_ADMIN_TOKEN',
  kubeconfig: 'KUBECONFIG',
} as const

export type Env = Readonly<Record<string, string | undefined>>

/** resolveCacheDir returns where binaries are cached, honouring SEI_TESTENV_CACHE then XDG_CACHE_HOME. */
export function resolveCacheDir(env: Env, homeDir: string): string {
  const explicit = env[TESTENV_ENV.cacheDir]
  if (explicit) return explicit
  const xdg = env[TESTENV_ENV.xdgCacheHome]
  return join(xdg || join(homeDir, '.cache'), 'sei-k8s-testenv')
}
