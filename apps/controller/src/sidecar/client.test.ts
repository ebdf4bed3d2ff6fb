import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTaskSubmitterRole } from '../manifests/rbac.js'
import { createAddressing } from './address.js'
import { createSidecarClient, encodeJson, SidecarCallError } from './client.js'
import { createTokenSource } from './token.js'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void
let handler: Handler = (_req, res) => res.end('{}')
const requests: { method: string; url: string; auth: string; body: string }[] = []
let server: Server
let port = 0
const dir = mkdtempSync(join(tmpdir(), 'sidecar-client-test-'))
const tokenPath = join(dir, 'token')

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        body,
      })
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  requests.length = 0
  writeFileSync(tokenPath, 'token-1\n')
})

const node = { namespace: 'sei', name: 'n1' }
const observed: string[] = []
function client(options: { template?: string; timeoutMs?: number } = {}) {
  return createSidecarClient({
    addressing: createAddressing({
      template: options.template ?? `http://127.0.0.1:${port}`,
      mapPath: undefined,
    }),
    token: createTokenSource(tokenPath),
    observe: (operation, code) => observed.push(`${operation}:${code}`),
    ...(options.timeoutMs === undefined ? {} : { timeoutsMs: { status: options.timeoutMs } }),
  })
}
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

describe('sidecar client', () => {
  it('sends the bearer token, reads status, node id and tasks, with only the verbs the shipped role grants', async () => {
    handler = (req, res) => {
      if (req.url === '/v0/status') return json(res, 200, { status: 'Ready' })
      if (req.url === '/v0/node-id') return json(res, 200, { nodeId: 'ab'.repeat(20) })
      if (req.method === 'POST') return json(res, 201, { id: 'x' })
      if (req.url?.endsWith('0001'))
        return json(res, 404, { error: 'task not found', code: 'TASK_NOT_FOUND' })
      return json(res, 200, { id: 'y', type: 'mark-ready', status: 'completed', run: 1, completedAt: 't' })
    }
    const c = client()
    expect(await c.status(node)).toBe('Ready')
    expect(await c.nodeId(node)).toBe('ab'.repeat(20))
    await c.submit(node, {
      id: 'id-1',
      type: 'config-patch',
      params: { files: { 'app.toml': { big: 2n ** 63n - 1n } } },
    })
    expect(await c.getTask(node, '0b6c1c1e-1111-4c1c-8c1c-000000000001')).toBeUndefined()
    expect(await c.getTask(node, '0b6c1c1e-1111-4c1c-8c1c-000000000002')).toMatchObject({
      status: 'completed',
      run: 1,
    })
    expect(requests.every((r) => r.auth === 'Bearer token-1')).toBe(true)
    // kube-rbac-proxy's SAR verb per method; the task-submitter ClusterRole must grant exactly these.
    const toVerb: Record<string, string> = { GET: 'get', POST: 'create' }
    const verbs = [...new Set(requests.map((r) => toVerb[r.method] ?? r.method))].sort()
    const role = buildTaskSubmitterRole() as { rules: { verbs: string[] }[] }
    expect(verbs).toEqual([...(role.rules[0]?.verbs ?? [])].sort())
    expect(requests[2]?.body).toBe(
      '{"id":"id-1","type":"config-patch","params":{"files":{"app.toml":{"big":9223372036854775807}}}}',
    )
  })

  it('re-reads the token once after a 401 and succeeds with the rotated one', async () => {
    handler = (req, res) =>
      req.headers.authorization === 'Bearer token-2'
        ? json(res, 200, { status: 'Initializing' })
        : res.writeHead(401).end('Unauthorized')
    const c = client()
    writeFileSync(tokenPath, 'token-1')
    const stale = createTokenSource(tokenPath)
    await stale.read()
    writeFileSync(tokenPath, 'token-2')
    expect(await c.status(node)).toBe('Initializing')
  })

  it('types refusals: 401, 403 with the proxy text, a sidecar 4xx with its code, a 5xx', async () => {
    const cases: [number, string, string, string | undefined][] = [
      [401, 'Unauthorized', 'unauthorized', undefined],
      [
        403,
        'Forbidden (user=system:serviceaccount:x:y, verb=get, resource=seinodetasks)',
        'forbidden',
        undefined,
      ],
      [
        409,
        JSON.stringify({ error: 'task id already used', code: 'TASK_ID_CONFLICT' }),
        'rejected',
        'TASK_ID_CONFLICT',
      ],
      [500, JSON.stringify({ error: 'internal error', code: 'INTERNAL' }), 'server', 'INTERNAL'],
    ]
    for (const [status, body, kind, code] of cases) {
      handler = (_req, res) => res.writeHead(status).end(body)
      const error = await client()
        .status(node)
        .catch((e: unknown) => e)
      expect(error, String(status)).toBeInstanceOf(SidecarCallError)
      expect((error as SidecarCallError).kind).toBe(kind)
      expect((error as SidecarCallError).code).toBe(code)
      if (status === 403) expect((error as Error).message).toContain('user=system:serviceaccount:x:y')
    }
  })

  it('reports a closed port as unreachable and a silent server as a timeout, and counts both', async () => {
    observed.length = 0
    const refused = await client({ template: 'http://127.0.0.1:1' })
      .status(node)
      .catch((e: unknown) => e)
    expect((refused as SidecarCallError).kind).toBe('unreachable')
    handler = () => {}
    const silent = await client({ timeoutMs: 100 })
      .status(node)
      .catch((e: unknown) => e)
    expect((silent as SidecarCallError).kind).toBe('timeout')
    expect((silent as Error).message).toContain('no response within 100 ms')
    expect(observed).toEqual(['status:unreachable', 'status:timeout'])
  })

  it('reports a missing token file without calling', async () => {
    rmSync(tokenPath)
    const error = await client()
      .status(node)
      .catch((e: unknown) => e)
    expect((error as SidecarCallError).kind).toBe('no_token')
    expect((error as Error).message).toContain(tokenPath)
    expect(requests).toEqual([])
  })
})

describe('sidecar client addressing errors', () => {
  it('reports an invalid URL map as bad_address naming the file, without calling', async () => {
    const path = join(dir, 'bad-map.json')
    writeFileSync(path, '[1]')
    const c = createSidecarClient({
      addressing: createAddressing({ template: 'http://127.0.0.1:1', mapPath: path }),
      token: createTokenSource(tokenPath),
    })
    const error = await c.status(node).catch((e: unknown) => e)
    expect((error as SidecarCallError).kind).toBe('bad_address')
    expect((error as Error).message).toContain(path)
  })
})

describe('encodeJson', () => {
  it('writes bigints as plain integers', () => {
    expect(encodeJson({ a: -(2n ** 63n), b: 'x' })).toBe('{"a":-9223372036854775808,"b":"x"}')
  })
})
