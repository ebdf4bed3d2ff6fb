/**
 * The connection to the API server: one keep-alive agent with the TLS settings and auth headers of
 * access.ts (kubeconfig or in-cluster), typed errors for every non-2xx answer.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { type Clock, systemClock } from '../runtime/clock.js'
import { type InClusterSource, loadApiAccess } from './access.js'
import { errorFromResponse, KubeApiError } from './errors.js'

interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly body?: unknown
  readonly contentType?: string
  /** Accept header; default application/json. */
  readonly accept?: string
  readonly signal?: AbortSignal
  /** Error context, e.g. "applying StatefulSet ns/name". */
  readonly context: string
}

export interface KubeConnection {
  readonly server: string
  /** The default namespace of the kubeconfig context (in-cluster: the pod's namespace). */
  readonly namespace: string | undefined
  /** One JSON request; non-2xx becomes a KubeApiError carrying the server's reason and message. */
  request<T>(req: KubeRequest): Promise<T>
  /** Opens a streaming GET (watch); resolves with the 200 response or rejects with a KubeApiError. */
  stream(path: string, signal: AbortSignal, context: string, accept?: string): Promise<http.IncomingMessage>
  close(): void
}

export interface ConnectionOptions {
  /** kubeconfig file; undefined → in-cluster (ServiceAccount token + CA). */
  readonly kubeconfigPath?: string | undefined
  /** In-cluster files and environment (tests); default: the kubelet's. */
  readonly inCluster?: InClusterSource
  readonly clock?: Clock
  /** Per-request deadline (not for watches). */
  readonly requestTimeoutMs?: number
}

const JSON_TYPE = 'application/json'

export async function openConnection(options: ConnectionOptions): Promise<KubeConnection> {
  const clock = options.clock ?? systemClock
  const access = await loadApiAccess({
    kubeconfigPath: options.kubeconfigPath,
    clock,
    ...(options.inCluster === undefined ? {} : { inCluster: options.inCluster }),
  })
  const { server } = access
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  const isHttps = server.startsWith('https:')
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, maxSockets: 64, ...access.tls })
    : new http.Agent({ keepAlive: true, maxSockets: 64 })

  const open = async (
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
    signal: AbortSignal | undefined,
    body: string | undefined,
  ): Promise<http.IncomingMessage> => {
    const h = { ...(await access.headers()), accept: JSON_TYPE, ...extraHeaders }
    const url = new URL(server + path)
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, { method, agent, headers: h, signal }, resolve)
      req.on('error', reject)
      if (body !== undefined) req.end(body)
      else req.end()
    })
  }

  return {
    server,
    namespace: access.namespace,
    async request<T>(req: KubeRequest): Promise<T> {
      const signal = req.signal
        ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs)
      const body = req.body === undefined ? undefined : JSON.stringify(req.body)
      const extra: Record<string, string> = {
        ...(body === undefined ? {} : { 'content-type': req.contentType ?? JSON_TYPE }),
        ...(req.accept === undefined ? {} : { accept: req.accept }),
      }
      let res: http.IncomingMessage
      let text: string
      try {
        res = await open(req.method, req.path, extra, signal, body)
        text = await readAll(res)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new KubeApiError(0, 'Transport', `${req.context}: ${reason}`, { cause: error })
      }
      const parsed = parseJson(text)
      const status = res.statusCode ?? 0
      if (status < 200 || status >= 300) throw errorFromResponse(status, parsed ?? text, req.context)
      return parsed as T
    },
    async stream(path, signal, context, accept) {
      let res: http.IncomingMessage
      try {
        res = await open('GET', path, accept === undefined ? {} : { accept }, signal, undefined)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new KubeApiError(0, 'Transport', `${context}: ${reason}`, { cause: error })
      }
      const status = res.statusCode ?? 0
      if (status !== 200) {
        const text = await readAll(res).catch(() => '')
        throw errorFromResponse(status, parseJson(text) ?? text, context)
      }
      return res
    },
    close: () => agent.destroy(),
  }
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    res.on('error', reject)
    res.on('aborted', () => reject(new Error('response aborted')))
  })
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
