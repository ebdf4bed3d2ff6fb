/** PURE: the demo's readable views: the allowed-connection matrix and the policy summary. */
import type { AllowedConnection, KubeObject } from '@sei-k8s/testenv'

/** `namespace/name` of a workload peer, `0.0.0.0/0`-style for an IP range. */
export function peerLabel(peer: AllowedConnection['src']): string {
  if (peer.type === 'workload') return `${peer.namespace}/${peer.name}`
  if (peer.type === 'ip')
    return peer.range === '0.0.0.0-255.255.255.255' ? 'any address (0.0.0.0/0)' : peer.range
  return peer.text
}

function cell(connection: AllowedConnection | undefined): string {
  if (!connection) return '-'
  if (connection.connections.all) return 'all'
  return Object.entries(connection.connections.protocols)
    .map(([protocol, ports]) => (protocol === 'TCP' ? ports.join(',') : `${protocol} ${ports.join(',')}`))
    .join(' ')
}

/** Fixed-width table: first row is the header. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    for (const [i, c] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length)
  }
  return rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  )
}

/**
 * Sources down, the given destinations across; a cell lists the TCP ports the analyzer allows ("-" when
 * none). Only sources that reach at least one destination, or that are listed in `alwaysShow`, get a row.
 */
export function connectionMatrix(
  allowed: readonly AllowedConnection[],
  destinations: readonly string[],
  alwaysShow: readonly string[] = [],
): string[] {
  const toDestinations = allowed.filter((c) => destinations.includes(peerLabel(c.dst)))
  const sources = [...new Set([...alwaysShow, ...toDestinations.map((c) => peerLabel(c.src))])]
    .filter((s) => !destinations.includes(s) || toDestinations.some((c) => peerLabel(c.src) === s))
    .sort()
  const rows = sources.map((source) => [
    source,
    ...destinations.map((d) =>
      cell(toDestinations.find((c) => peerLabel(c.src) === source && peerLabel(c.dst) === d)),
    ),
  ])
  return table([['from \\ to', ...destinations], ...rows])
}

interface PolicyRule {
  readonly ports?: readonly { readonly port?: number | string }[]
  readonly from?: readonly {
    readonly namespaceSelector?: { readonly matchLabels?: Record<string, string> }
    readonly podSelector?: { readonly matchLabels?: Record<string, string> }
    readonly ipBlock?: { readonly cidr: string }
  }[]
}

function describePeer(peer: NonNullable<PolicyRule['from']>[number]): string {
  if (peer.ipBlock) return peer.ipBlock.cidr
  const ns = Object.values(peer.namespaceSelector?.matchLabels ?? {}).join(',')
  const pods = Object.entries(peer.podSelector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  if (ns && pods) return `pods {${pods}} in ${ns}`
  if (ns) return `namespace ${ns}`
  if (peer.namespaceSelector && !ns) return 'every namespace'
  return pods ? `pods {${pods}} here` : 'this namespace'
}

/** One line per generated NetworkPolicy: name, ports, sources. */
export function policySummary(policies: readonly KubeObject[]): string[] {
  const rows = policies.map((policy) => {
    const rules = ((policy as { spec?: { ingress?: PolicyRule[] } }).spec?.ingress ?? []) as PolicyRule[]
    const ports = [...new Set(rules.flatMap((r) => (r.ports ?? []).map((p) => String(p.port))))].join(',')
    const from = [
      ...new Set(rules.flatMap((r) => (r.from === undefined ? ['anywhere'] : r.from.map(describePeer)))),
    ].join('; ')
    return [`${policy.metadata.namespace}/${policy.metadata.name}`, ports, from]
  })
  return table([['policy', 'ports', 'from'], ...rows])
}
