/**
 * Where a node's kube-rbac-proxy answers. First the URL map file (`--sidecar-url-map`): a JSON object
 * `{"<namespace>/<name>": "http://127.0.0.1:PORT"}`, re-read whenever its mtime changes, so tests and the
 * demo can add a node's address after the controller started; then the template (`--sidecar-url-template`,
 * placeholders `{name}`, `{namespace}`, `{port}`), by default the headless Service's pod-0 name.
 */
import { readFileSync, statSync } from 'node:fs'
import { PORTS } from '@sei-k8s/contract'

export interface SidecarAddressing {
  /** Base URL (no trailing slash) of the node's proxy. Throws when the map file is unreadable or invalid. */
  baseUrl(namespace: string, name: string): string
}

export interface AddressingOptions {
  readonly template: string
  readonly mapPath: string | undefined
  /** The proxy port that `{port}` stands for (default: the contract's). */
  readonly port?: number
}

/** PURE: the template with its placeholders filled in. */
export function fillTemplate(template: string, namespace: string, name: string, port: number): string {
  return template
    .replaceAll('{name}', name)
    .replaceAll('{namespace}', namespace)
    .replaceAll('{port}', String(port))
    .replace(/\/+$/, '')
}

/** PURE: validates a URL map document; returns the problems (empty when valid). */
function parseUrlMap(text: string, path: string): Map<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`--sidecar-url-map ${path}: not JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      `--sidecar-url-map ${path}: expected a JSON object {"<namespace>/<name>": "http://host:port"}`,
    )
  }
  const map = new Map<string, string>()
  for (const [key, value] of Object.entries(parsed)) {
    if (!/^[^/]+\/[^/]+$/.test(key) || typeof value !== 'string' || !/^https?:\/\/[^/]+/.test(value)) {
      throw new Error(
        `--sidecar-url-map ${path}: entry ${JSON.stringify(key)}: ${JSON.stringify(value)} is not "<namespace>/<name>": "http(s)://host:port"`,
      )
    }
    map.set(key, value.replace(/\/+$/, ''))
  }
  return map
}

export function createAddressing(options: AddressingOptions): SidecarAddressing {
  const port = options.port ?? PORTS.proxy
  let cache: { stamp: string; map: Map<string, string> } | undefined
  const mapped = (key: string): string | undefined => {
    if (options.mapPath === undefined) return undefined
    let stamp: string
    try {
      const info = statSync(options.mapPath)
      stamp = `${info.mtimeMs}/${info.size}`
    } catch {
      // Not written yet (a test adds it later): fall back to the template.
      return undefined
    }
    if (cache?.stamp !== stamp) {
      cache = { stamp, map: parseUrlMap(readFileSync(options.mapPath, 'utf8'), options.mapPath) }
    }
    return cache.map.get(key)
  }
  return {
    baseUrl: (namespace, name) =>
      mapped(`${namespace}/${name}`) ?? fillTemplate(options.template, namespace, name, port),
  }
}
