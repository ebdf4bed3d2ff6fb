/**
 * The two plain-HTTP listeners of `run`: health (`/healthz`, `/readyz`) and metrics (`/metrics`).
 * Liveness checks nothing but the process (a dependency check would turn an API server outage into a
 * restart storm); readiness runs named checks (every watch synced and its watchdog happy) and answers 503
 * with `[-]name failed: reason` lines until all pass, kube-apiserver style (`?verbose` lists passes too).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CONTROLLER_PATHS } from '@sei-k8s/contract'
import type { Registry } from 'prom-client'

export interface ReadinessCheck {
  readonly name: string
  /** undefined when passing, else the reason. */
  check(): string | undefined
}

/** PURE: the /readyz answer for the checks' results. */
function readyzResponse(
  results: readonly { readonly name: string; readonly failure: string | undefined }[],
  isVerbose: boolean,
): { readonly status: number; readonly body: string } {
  const failed = results.some((r) => r.failure !== undefined)
  const lines = (isVerbose || failed ? results : []).map((r) =>
    r.failure === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.failure}`,
  )
  const verdict = failed ? 'readyz check failed' : 'ok'
  return {
    status: failed ? 503 : 200,
    body: lines.length === 0 ? `${verdict}\n` : `${lines.join('\n')}\n${verdict}\n`,
  }
}

export interface Listener {
  readonly port: number
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}

export function startHealthServer(options: {
  readonly port: number
  readonly host: string
  readonly checks: readonly ReadinessCheck[]
}): Promise<Listener> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://health')
    if (url.pathname === CONTROLLER_PATHS.healthz) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n')
      return
    }
    if (url.pathname === CONTROLLER_PATHS.readyz) {
      const results = options.checks.map((c) => ({ name: c.name, failure: c.check() }))
      const { status, body } = readyzResponse(results, url.searchParams.has('verbose'))
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body)
      return
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
  })
  return listen(server, options.port, options.host)
}

export function startMetricsServer(options: {
  readonly port: number
  readonly host: string
  readonly registry: Registry
}): Promise<Listener> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metrics')
    if (url.pathname !== CONTROLLER_PATHS.metrics) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
      return
    }
    options.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500).end(`metrics failed: ${String(error)}\n`),
    )
  })
  return listen(server, options.port, options.host)
}
