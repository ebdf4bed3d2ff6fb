/** Environment variables read by the sidecar, with their defaults. */

import { PORT_RANGE, PORTS } from './ports.js'
import { SEID_RPC_DEFAULT_URL } from './seid-rpc.js'

export const ENV = {
  /** Port of the loopback tasks listener. */
  sidecarPort: 'SEI_SIDECAR_PORT',
  /** Port of the public health/metrics listener (all interfaces). */
  sidecarPublicPort: 'SEI_SIDECAR_PUBLIC_PORT',
  /** How the tasks listener authenticates: one of AUTHN_MODES. */
  sidecarAuthnMode: 'SEI_SIDECAR_AUTHN_MODE',
  /**
   * Rollout switch: also serve the public paths on the tasks listener without identity, for pods whose
   * kube-rbac-proxy still runs with `--ignore-paths` and probes through it. Off unless "true".
   */
  sidecarLegacyPublicOnTasks: 'SEI_SIDECAR_LEGACY_PUBLIC_PATHS',
  /** URL of seid's CometBFT RPC, polled by the await-condition task. */
  seidRpcUrl: 'SEI_SIDECAR_SEID_RPC_URL',
  /** Data directory of seid and the sidecar's task store. */
  home: 'SEI_HOME',
  /** Chain id the node joins; required. */
  chainId: 'SEI_CHAIN_ID',
  /** Terminal tasks older than this many hours are pruned. */
  sidecarTaskRetentionHours: 'SEI_SIDECAR_TASK_RETENTION_HOURS',
  /** At most this many terminal tasks are kept (the newest). */
  sidecarTaskRetentionCount: 'SEI_SIDECAR_TASK_RETENTION_COUNT',
} as const satisfies Record<string, string>

export type EnvName = (typeof ENV)[keyof typeof ENV]

/** Ways the tasks listener can establish identity. `unauthenticated` is for local development only. */
export const AUTHN_MODES = ['trusted-header', 'unauthenticated'] as const
export type AuthnMode = (typeof AUTHN_MODES)[number]

/**
 * Defaults applied when a variable is unset or empty; `undefined` marks a required variable. The one
 * table of sidecar defaults: the sidecar's config, its `--help` and the contract table all read it.
 */
export const ENV_DEFAULTS = {
  sidecarPort: PORTS.tasks,
  sidecarPublicPort: PORTS.public,
  sidecarAuthnMode: 'trusted-header',
  sidecarLegacyPublicOnTasks: false,
  seidRpcUrl: SEID_RPC_DEFAULT_URL,
  home: '/sei',
  chainId: undefined,
  sidecarTaskRetentionHours: 168,
  sidecarTaskRetentionCount: 10_000,
} as const satisfies { sidecarAuthnMode: AuthnMode } & Record<
  keyof typeof ENV,
  string | number | boolean | undefined
>

/** The default as printed in `--help` and the contract table. */
export function formatEnvDefault(key: keyof typeof ENV): string {
  const value = ENV_DEFAULTS[key]
  return value === undefined ? '(required)' : String(value)
}

/** Outcome of parsing one variable: the value, or a message that names the variable and its value. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string }

/**
 * Parses a TCP port from an environment variable. Unset or empty gives the default. Anything but a
 * plain decimal integer in 1..65535 fails with a message naming the variable and the raw value.
 */
export function parsePortEnv(
  name: EnvName,
  raw: string | undefined,
  defaultPort: number,
): ParseResult<number> {
  if (raw === undefined || raw.trim() === '') return { ok: true, value: defaultPort }
  const trimmed = raw.trim()
  if (!/^[0-9]+$/.test(trimmed)) {
    return { ok: false, error: `${name}=${JSON.stringify(raw)}: not an integer port number` }
  }
  const value = Number(trimmed)
  if (value < PORT_RANGE.min || value > PORT_RANGE.max) {
    return {
      ok: false,
      error: `${name}=${JSON.stringify(raw)}: port out of range ${PORT_RANGE.min}-${PORT_RANGE.max}`,
    }
  }
  return { ok: true, value }
}

/** Parses SEI_SIDECAR_AUTHN_MODE; unset or empty gives the default. */
export function parseAuthnModeEnv(raw: string | undefined): ParseResult<AuthnMode> {
  if (raw === undefined || raw.trim() === '') return { ok: true, value: ENV_DEFAULTS.sidecarAuthnMode }
  const found = AUTHN_MODES.find((mode) => mode === raw.trim())
  if (found) return { ok: true, value: found }
  return {
    ok: false,
    error: `${ENV.sidecarAuthnMode}=${JSON.stringify(raw)}: unknown mode; expected one of ${AUTHN_MODES.join(', ')}`,
  }
}
