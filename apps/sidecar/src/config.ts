/**
 * Sidecar configuration from the environment. `loadConfig` is pure: it reads only the object passed in
 * (main passes `process.env`, the one place that touches it) and reports every problem at once, each
 * naming the variable and its bad value, so an operator fixes a pod spec in one round trip.
 */
import {
  APP_NODE_OPTIONS,
  type AuthnMode,
  ENV,
  ENV_DEFAULTS,
  parseAuthnModeEnv,
  parsePortEnv,
  SIDECAR_MALLOC_ENV,
} from '@sei-k8s/contract'

export interface Config {
  readonly tasksPort: number
  readonly publicPort: number
  readonly authnMode: AuthnMode
  /** Serve the public paths on the tasks listener too, without identity (rollout switch, design §4.6). */
  readonly isLegacyPublicOnTasks: boolean
  readonly home: string
  readonly chainId: string
  readonly seidRpcUrl: string
  /** `NODE_OPTIONS` carries the contract's `APP_NODE_OPTIONS` (checked at start, warned if not). */
  readonly hasNodeOptions: boolean
  /** The contract's `SIDECAR_MALLOC_ENV` is set (checked at start, warned if not). */
  readonly hasMallocEnv: boolean
  /** Terminal tasks are pruned past this age or beyond this count (newest kept). */
  readonly retention: { readonly maxAgeHours: number; readonly maxCount: number }
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Readonly<Config> }
  | { readonly ok: false; readonly errors: readonly string[] }

type Env = Readonly<Record<string, string | undefined>>

/** Chain ids as CometBFT accepts them: printable, no whitespace, at most 50 characters. */
const CHAIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/

function parseCount(
  name: string,
  raw: string | undefined,
  fallback: number,
): { value: number; error?: string } {
  const value = raw?.trim() ?? ''
  if (value === '') return { value: fallback }
  if (/^[0-9]{1,9}$/.test(value) && Number(value) >= 1) return { value: Number(value) }
  return {
    value: fallback,
    error: `${name}=${JSON.stringify(raw)}: expected a whole number from 1 to 999999999`,
  }
}

function parseBoolean(
  name: string,
  raw: string | undefined,
  fallback: boolean,
): { value: boolean; error?: string } {
  const value = raw?.trim().toLowerCase() ?? ''
  if (value === '') return { value: fallback }
  if (value === 'false' || value === '0') return { value: false }
  if (value === 'true' || value === '1') return { value: true }
  return { value: false, error: `${name}=${JSON.stringify(raw)}: expected true or false` }
}

function parseUrl(
  name: string,
  raw: string | undefined,
  fallback: string,
): { value: string; error?: string } {
  const value = raw?.trim() ?? ''
  if (value === '') return { value: fallback }
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return { value: value.replace(/\/+$/, '') }
  } catch {
    // reported below
  }
  return { value: fallback, error: `${name}=${JSON.stringify(raw)}: expected an http(s) URL` }
}

/** Parses and cross-checks every sidecar variable. Never throws; never touches the file system. */
export function loadConfig(env: Env): ConfigResult {
  const errors: string[] = []
  const tasksPort = parsePortEnv(ENV.sidecarPort, env[ENV.sidecarPort], ENV_DEFAULTS.sidecarPort)
  const publicPort = parsePortEnv(
    ENV.sidecarPublicPort,
    env[ENV.sidecarPublicPort],
    ENV_DEFAULTS.sidecarPublicPort,
  )
  const authnMode = parseAuthnModeEnv(env[ENV.sidecarAuthnMode])
  for (const result of [tasksPort, publicPort, authnMode]) if (!result.ok) errors.push(result.error)
  if (tasksPort.ok && publicPort.ok && tasksPort.value === publicPort.value) {
    errors.push(
      `${ENV.sidecarPort}=${JSON.stringify(env[ENV.sidecarPort] ?? String(tasksPort.value))} and ` +
        `${ENV.sidecarPublicPort}=${JSON.stringify(env[ENV.sidecarPublicPort] ?? String(publicPort.value))}: ` +
        'the two listeners need different ports',
    )
  }
  const legacy = parseBoolean(
    ENV.sidecarLegacyPublicOnTasks,
    env[ENV.sidecarLegacyPublicOnTasks],
    ENV_DEFAULTS.sidecarLegacyPublicOnTasks,
  )
  const rpc = parseUrl(ENV.seidRpcUrl, env[ENV.seidRpcUrl], ENV_DEFAULTS.seidRpcUrl)
  const maxAgeHours = parseCount(
    ENV.sidecarTaskRetentionHours,
    env[ENV.sidecarTaskRetentionHours],
    ENV_DEFAULTS.sidecarTaskRetentionHours,
  )
  const maxCount = parseCount(
    ENV.sidecarTaskRetentionCount,
    env[ENV.sidecarTaskRetentionCount],
    ENV_DEFAULTS.sidecarTaskRetentionCount,
  )
  for (const result of [legacy, rpc, maxAgeHours, maxCount]) if (result.error) errors.push(result.error)

  const homeRaw = env[ENV.home]
  const home = homeRaw === undefined || homeRaw.trim() === '' ? ENV_DEFAULTS.home : homeRaw.trim()
  if (!home.startsWith('/')) errors.push(`${ENV.home}=${JSON.stringify(homeRaw)}: must be an absolute path`)

  const chainId = env[ENV.chainId]?.trim() ?? ''
  if (chainId === '') errors.push(`${ENV.chainId} is required (the chain id this node joins); it is unset`)
  else if (!CHAIN_ID.test(chainId)) {
    errors.push(
      `${ENV.chainId}=${JSON.stringify(env[ENV.chainId])}: expected letters, digits, '.', '_' or '-' (at most 50)`,
    )
  }

  if (errors.length > 0 || !tasksPort.ok || !publicPort.ok || !authnMode.ok) return { ok: false, errors }
  return {
    ok: true,
    config: Object.freeze({
      tasksPort: tasksPort.value,
      publicPort: publicPort.value,
      authnMode: authnMode.value,
      isLegacyPublicOnTasks: legacy.value,
      home,
      chainId,
      seidRpcUrl: rpc.value,
      retention: { maxAgeHours: maxAgeHours.value, maxCount: maxCount.value },
      hasNodeOptions: (env['NODE_OPTIONS'] ?? '').includes(APP_NODE_OPTIONS),
      hasMallocEnv: Object.entries(SIDECAR_MALLOC_ENV).every(([name, value]) => env[name] === value),
    }),
  }
}

/** `loadConfig` over this process's environment. The only place in the sidecar that reads `process.env`. */
export function loadConfigFromProcess(): ConfigResult {
  return loadConfig(process.env)
}
