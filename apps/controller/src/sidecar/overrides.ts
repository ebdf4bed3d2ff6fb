/**
 * PURE: `spec.overrides` (TOML dotted keys → string values) as a `config-patch` params object, and the
 * hash recorded in `status.appliedOverridesHash`.
 *
 * File: a key whose first segment is `app`, `config` or `client` goes to that file without the segment
 * (`app.minimum-gas-prices` → app.toml `minimum-gas-prices`); any other key goes to config.toml (CometBFT's
 * `mempool.size`, `p2p.max_num_inbound_peers`). Values: `true`/`false` → boolean, an integer → integer
 * (beyond 2^53 kept exact as bigint, which the sidecar's JSON codec reads digit for digit), a decimal →
 * float, `"…"` (JSON-quoted) → that string, anything else → the string as written.
 */
import { createHash } from 'node:crypto'
import { canonical } from '../seinode/status.js'

const CONFIG_FILE_PREFIXES = { app: 'app.toml', config: 'config.toml', client: 'client.toml' } as const
const DEFAULT_FILE = 'config.toml'

type TomlScalar = string | number | bigint | boolean
export interface TomlTable {
  [key: string]: TomlScalar | TomlTable
}

function scalarOf(raw: string): TomlScalar {
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (/^-?(0|[1-9]\d*)$/.test(raw)) {
    const big = BigInt(raw)
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(raw)
      : big
  }
  if (/^-?(0|[1-9]\d*)(\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw)
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(raw)
      if (typeof parsed === 'string') return parsed
    } catch {
      // not JSON: kept as written
    }
  }
  return raw
}

/** `{files: {"config.toml": {mempool: {size: 5000}}, …}}` for config-patch; keys in sorted order. */
export function overridesPatch(overrides: Readonly<Record<string, string>> | undefined): {
  files: Record<string, TomlTable>
} {
  const files: Record<string, TomlTable> = {}
  for (const key of Object.keys(overrides ?? {}).sort()) {
    const value = overrides?.[key] ?? ''
    const segments = key.split('.')
    const first = segments[0] ?? ''
    const isPrefixed = first in CONFIG_FILE_PREFIXES && segments.length > 1
    const file = isPrefixed ? CONFIG_FILE_PREFIXES[first as keyof typeof CONFIG_FILE_PREFIXES] : DEFAULT_FILE
    const path = isPrefixed ? segments.slice(1) : segments
    files[file] ??= {}
    let table: TomlTable = files[file]
    for (const segment of path.slice(0, -1)) {
      const next = table[segment]
      if (typeof next === 'object' && next !== null) table = next
      else {
        // A scalar and a table at the same path: the deeper key wins (TOML cannot hold both).
        const created: TomlTable = {}
        table[segment] = created
        table = created
      }
    }
    table[path[path.length - 1] ?? key] = scalarOf(value)
  }
  return { files }
}

/** sha256 (hex) of the overrides in canonical form (key order ignored); `{}` and absent are equal. */
export function overridesHash(overrides: Readonly<Record<string, string>> | undefined): string {
  return createHash('sha256')
    .update(canonical(overrides ?? {}))
    .digest('hex')
}
