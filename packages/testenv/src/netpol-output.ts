import { TestenvError } from './errors.js'

/** A peer in the analyzer's output: a workload (`ns/name[Kind]`) or an IP block (`a.b.c.d-e.f.g.h`). */
export type Peer =
  | { readonly type: 'workload'; readonly namespace: string; readonly name: string; readonly kind: string }
  | { readonly type: 'ip'; readonly range: string }
  | { readonly type: 'other'; readonly text: string }

/** Allowed traffic between two peers: everything, or per protocol the ports / ranges / named ports. */
export interface Connections {
  readonly all: boolean
  readonly protocols: Readonly<Record<string, readonly string[]>>
}

/** One line of the analyzer's allowed-connection list. `raw` keeps the analyzer's own strings. */
export interface AllowedConnection {
  readonly src: Peer
  readonly dst: Peer
  readonly connections: Connections
  readonly raw: { readonly src: string; readonly dst: string; readonly conn: string }
}

const WORKLOAD = /^([^/]+)\/(.+)\[([A-Za-z]+)\]$/
const PROTOCOLS = /^(TCP|UDP|SCTP) (.+)$/

/** parsePeer reads `ns/name[Pod]`, an IP range, or keeps anything else as text. */
export function parsePeer(text: string): Peer {
  const workload = WORKLOAD.exec(text)
  if (workload?.[1] && workload[2] && workload[3]) {
    return { type: 'workload', namespace: workload[1], name: workload[2], kind: workload[3] }
  }
  if (/^[0-9a-fA-F.:/-]+$/.test(text)) return { type: 'ip', range: text }
  return { type: 'other', text }
}

/** parseConnections reads `All Connections`, `No Connections` or `TCP 80,8080-8090,UDP 53`. */
export function parseConnections(text: string): Connections {
  if (text === 'All Connections') return { all: true, protocols: {} }
  const protocols: Record<string, string[]> = {}
  let current: string[] | undefined
  for (const part of text === 'No Connections' ? [] : text.split(',')) {
    const match = PROTOCOLS.exec(part.trim())
    if (match?.[1] && match[2]) {
      current = protocols[match[1]] ?? []
      protocols[match[1]] = current
      current.push(match[2])
    } else if (current) {
      current.push(part.trim())
    } else {
      throw new TestenvError('analyzerFailed', `unexpected connection string from the analyzer: ${text}`)
    }
  }
  return { all: false, protocols }
}

/** parseConnlistJson parses `netpolicy list -o json` output: `[{"src","dst","conn"}]`. */
export function parseConnlistJson(stdout: string): AllowedConnection[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(stdout.trim() === '' ? '[]' : stdout)
  } catch (error) {
    throw new TestenvError('analyzerFailed', `analyzer output is not JSON: ${stdout.slice(0, 300)}`, {
      cause: error,
    })
  }
  if (!Array.isArray(parsed)) throw new TestenvError('analyzerFailed', 'analyzer output is not a JSON array')
  return parsed.map((entry: unknown) => {
    const e = entry as { src?: unknown; dst?: unknown; conn?: unknown }
    if (typeof e.src !== 'string' || typeof e.dst !== 'string' || typeof e.conn !== 'string') {
      throw new TestenvError('analyzerFailed', `unexpected analyzer entry: ${JSON.stringify(entry)}`)
    }
    return {
      src: parsePeer(e.src),
      dst: parsePeer(e.dst),
      connections: parseConnections(e.conn),
      raw: { src: e.src, dst: e.dst, conn: e.conn },
    }
  })
}

/** parseEvalOutput reads the last line of `netpolicy eval`: `a => b over tcp/80: true`. */
export function parseEvalOutput(stdout: string): boolean {
  const lines = stdout.trim().split('\n')
  const match = /: (true|false)\s*$/.exec(lines.at(-1) ?? '')
  if (!match) throw new TestenvError('analyzerFailed', `unexpected eval output: ${stdout.slice(0, 300)}`)
  return match[1] === 'true'
}

/** A single connection to check with the analyzer's `eval`. */
export interface ConnectionQuery {
  readonly source: { readonly namespace: string; readonly pod: string }
  readonly destination: { readonly namespace: string; readonly pod: string }
  readonly port: number | string
  readonly protocol?: 'tcp' | 'udp' | 'sctp'
}

/** evalArgs builds the `netpolicy eval` argv for one query against a manifest directory. */
export function evalArgs(dir: string, query: ConnectionQuery): string[] {
  return [
    'eval',
    `--dirpath=${dir}`,
    `--source-namespace=${query.source.namespace}`,
    `--source-pod=${query.source.pod}`,
    `--destination-namespace=${query.destination.namespace}`,
    `--destination-pod=${query.destination.pod}`,
    `--destination-port=${query.port}`,
    `--protocol=${query.protocol ?? 'tcp'}`,
  ]
}

/** listArgs builds the `netpolicy list` argv with JSON output. */
export function listArgs(dir: string): string[] {
  return ['list', `--dirpath=${dir}`, '--output=json', '--quiet']
}
