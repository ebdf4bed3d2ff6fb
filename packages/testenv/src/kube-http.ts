import { Agent, request } from 'node:https'
import { TestenvError } from './errors.js'

export interface KubeResponse {
  readonly status: number
  readonly text: string
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  readonly body: unknown
}

export interface KubeRequestOptions {
  readonly body?: unknown
  readonly contentType?: string
  readonly query?: Readonly<Record<string, string>>
  /** Bearer token; defaults to the client's token. */
  readonly token?: string
}

/** KubeHttp is a minimal JSON client for the testenv apiserver (TLS verified against its CA). */
export interface KubeHttp {
  request(method: string, path: string, options?: KubeRequestOptions): Promise<KubeResponse>
  /** Like request, but throws TESTENV_API_REQUEST unless the status is 2xx. */
  expectOk(method: string, path: string, options?: KubeRequestOptions): Promise<KubeResponse>
  close(): void
}

export interface KubeHttpOptions {
  readonly apiUrl: string
  readonly ca: string
  readonly token: string
}

/** createKubeHttp returns a client that trusts only the given CA. */
export function createKubeHttp(options: KubeHttpOptions): KubeHttp {
  const agent = new Agent({ ca: options.ca, keepAlive: true, maxSockets: 8 })
  const send = (method: string, path: string, opts: KubeRequestOptions = {}): Promise<KubeResponse> => {
    const url = new URL(path, options.apiUrl)
    for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value)
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${opts.token ?? options.token}`,
    }
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json'
      headers['content-length'] = String(Buffer.byteLength(payload))
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent, headers, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, text, body: parseJson(text) })
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)))
      req.on('error', reject)
      req.end(payload)
    })
  }
  return {
    request: send,
    async expectOk(method, path, opts) {
      const res = await send(method, path, opts)
      if (res.status < 200 || res.status >= 300) {
        throw new TestenvError(
          'apiRequest',
          `${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`,
          {
            status: res.status,
          },
        )
      }
      return res
    },
    close: () => agent.destroy(),
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
