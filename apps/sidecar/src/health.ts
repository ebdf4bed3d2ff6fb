/**
 * Health aggregation in the kube-apiserver style: each endpoint is a list of named checks; `?verbose`
 * prints `[+]name ok` / `[-]name failed: reason` lines, `?exclude=name` skips a check. Pure: checks are
 * functions passed in, evaluated here with no I/O of their own.
 */

/** A named check: returns undefined when healthy, else a short reason. */
export interface HealthCheck {
  readonly name: string
  check(): string | undefined
}

export interface HealthReport {
  readonly httpStatus: 200 | 503
  readonly body: string
}

export interface HealthQuery {
  readonly verbose?: boolean
  readonly exclude?: readonly string[]
}

/** Runs `checks` and renders the response of endpoint `endpoint` (e.g. `healthz`). */
export function aggregateHealth(
  endpoint: string,
  checks: readonly HealthCheck[],
  query: HealthQuery = {},
): HealthReport {
  const excluded = new Set(query.exclude ?? [])
  const lines: string[] = []
  let isHealthy = true
  for (const { name, check } of checks) {
    if (excluded.has(name)) {
      lines.push(`[+]${name} excluded: ok`)
      continue
    }
    let problem: string | undefined
    try {
      problem = check()
    } catch (error) {
      problem = error instanceof Error ? error.message : 'check threw'
    }
    if (problem === undefined) lines.push(`[+]${name} ok`)
    else {
      isHealthy = false
      lines.push(`[-]${name} failed: ${problem}`)
    }
  }
  const verdict = isHealthy ? `${endpoint} check passed` : `${endpoint} check failed`
  if (query.verbose) return { httpStatus: isHealthy ? 200 : 503, body: `${lines.join('\n')}\n${verdict}\n` }
  if (isHealthy) return { httpStatus: 200, body: 'ok' }
  return { httpStatus: 503, body: `${lines.filter((l) => l.startsWith('[-]')).join('\n')}\n${verdict}\n` }
}

/** Parses `verbose` and `exclude` from a query object (fastify gives strings or string arrays). */
export function parseHealthQuery(query: unknown): HealthQuery {
  const q = (typeof query === 'object' && query !== null ? query : {}) as {
    exclude?: unknown
    verbose?: unknown
  }
  const exclude = ([] as unknown[]).concat(q.exclude ?? []).filter((v): v is string => typeof v === 'string')
  const verbose = q.verbose
  return { verbose: verbose !== undefined && verbose !== 'false' && verbose !== '0', exclude }
}
