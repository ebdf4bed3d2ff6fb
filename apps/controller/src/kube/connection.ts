/**
 * The connection to the API server: where it is, how to trust it and who we are. The ONLY place that
 * reads a kubeconfig or the in-cluster ServiceAccount files, through @kubernetes/client-node's KubeConfig
 * (which knows every auth flavour: client certs, tokens, token files re-read on rotation, exec plugins).
 * Requests go over one keep-alive agent; auth headers are refreshed from KubeConfig every minute so a
 * rotated projected token is picked up.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { KubeConfig } from '@kubernetes/client-node'
import { ControllerError, ERROR_CODES } from '../errors.js'
import { type Clock, systemClock } from '../runtime/clock.js'
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
  readonly clock?: Clock
  /** Per-request deadline (not for watches). */
  readonly requestTimeoutMs?: number
}

const HEADER_REFRESH_MS = 60_000
const JSON_TYPE = 'application/json'

function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig()
  if (path === undefined) kc.loadFromCluster()
  else kc.loadFromFile(path)
  return kc
}

/** Loads the config and the TLS/auth options once; every failure names where the config came from. */
async function configure(
  path: string | undefined,
): Promise<{ kc: KubeConfig; server: string; first: https.RequestOptions }> {
  const source = path === undefined ? 'in-cluster config (no --kubeconfig given)' : `kubeconfig ${path}`
  try {
    const kc = loadKubeConfig(path)
    const cluster = kc.getCurrentCluster()
    if (cluster === null) throw new Error('no current cluster')
    const first: https.RequestOptions = {}
    await kc.applyToHTTPSOptions(first)
    return { kc, server: cluster.server.replace(/\/+$/, ''), first }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ControllerError(ERROR_CODES.KUBE_CONFIG, `loading ${source}: ${reason}`, { cause: error })
  }
}

export async function openConnection(options: ConnectionOptions): Promise<KubeConnection> {
  const { kc, server, first } = await configure(options.kubeconfigPath)
  const clock = options.clock ?? systemClock
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  const isHttps = server.startsWith('https:')
  const agentOptions = {
    keepAlive: true,
    maxSockets: 64,
    ca: first.ca,
    cert: first.cert,
    key: first.key,
    ...(first.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: first.rejectUnauthorized }),
  }
  const agent = isHttps ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true, maxSockets: 64 })
  let headers = { at: clock.now(), value: { ...(first.headers as Record<string, string> | undefined) } }
  const authHeaders = async (): Promise<Record<string, string>> => {
    if (clock.now() - headers.at > HEADER_REFRESH_MS) {
      const fresh: https.RequestOptions = {}
      await kc.applyToHTTPSOptions(fresh)
      headers = { at: clock.now(), value: { ...(fresh.headers as Record<string, string> | undefined) } }
    }
    return headers.value
  }

  const open = async (
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
    signal: AbortSignal | undefined,
    body: string | undefined,
  ): Promise<http.IncomingMessage> => {
    const h = { ...(await authHeaders()), accept: JSON_TYPE, ...extraHeaders }
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
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
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
