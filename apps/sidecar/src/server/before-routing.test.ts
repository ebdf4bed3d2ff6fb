/**
 * Behaviour only a real socket shows: identity is checked by the HTTP server before fastify routes
 * (inject skips that layer), and a store locked by another process never freezes a probe or a submit.
 */
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_CONTROLLER, createHarness, type Harness } from '../__tests__/harness.js'
import { storePath } from '../home.js'

let h: Harness
const base: Record<'tasks' | 'public', string> = { tasks: '', public: '' }
beforeAll(async () => {
  h = await createHarness()
  for (const name of ['tasks', 'public'] as const) {
    const server = name === 'tasks' ? h.tasks : h.public
    await server.listen({ host: '127.0.0.1', port: 0 })
    const address = server.server.address()
    base[name] = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  }
})
afterAll(async () => h.close())

describe('authentication before routing', () => {
  it.each([
    ['an over-long task id', `/v0/tasks/${'a'.repeat(300)}`],
    ['a malformed percent-encoding', '/v0/tasks/%zz'],
    ['an unknown path', '/v0/secrets'],
    ['a public path', '/v0/healthz'],
  ])('answers %s without identity with 401, revealing no route', async (_name, path) => {
    const res = await fetch(`${base.tasks}${path}`)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'missing X-Remote-User header', code: 'UNAUTHENTICATED' })
  })

  it('routes the same URLs normally once authenticated', async () => {
    expect(
      (await fetch(`${base.tasks}/v0/tasks/${'a'.repeat(300)}`, { headers: AS_CONTROLLER })).status,
    ).toBe(414)
    expect((await fetch(`${base.tasks}/v0/tasks/%zz`, { headers: AS_CONTROLLER })).status).toBe(400)
  })
})

describe('probe fast path (answered by the HTTP server, as the fastify route would)', () => {
  it.each(['/v0/healthz', '/v0/livez', '/v0/startupz'])(
    'answers %s like the route, GET and HEAD',
    async (path) => {
      for (const isReady of [false, true]) {
        h.lifecycle.setReady(isReady)
        const fast = await fetch(`${base.public}${path}`)
        const routed = await h.public.inject({ url: path })
        expect([fast.status, await fast.text()]).toEqual([routed.statusCode, routed.body])
        expect(fast.headers.get('content-type')).toBe(routed.headers['content-type'])
        expect(fast.headers.get('cache-control')).toBe('no-store')
        expect(fast.headers.get('content-length')).toBe(String(Buffer.byteLength(routed.body)))
        const head = await fetch(`${base.public}${path}`, { method: 'HEAD' })
        expect([head.status, await head.text()]).toEqual([routed.statusCode, ''])
      }
    },
  )

  it('leaves ?verbose and other methods to fastify', async () => {
    expect(await (await fetch(`${base.public}/v0/livez?verbose`)).text()).toContain('[+]store ok')
    expect((await fetch(`${base.public}/v0/healthz`, { method: 'POST' })).status).toBe(404)
  })
})

describe('a store locked by another process', () => {
  it('answers probes at once and submissions with 503 + Retry-After, not a frozen event loop', async () => {
    const other = new DatabaseSync(storePath(h.home))
    other.exec('BEGIN IMMEDIATE')
    try {
      const probe = await fetch(`${base.public}/v0/livez`)
      expect(probe.status).toBe(200)
      const res = await fetch(`${base.tasks}/v0/tasks`, {
        method: 'POST',
        headers: { ...AS_CONTROLLER, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'mark-ready' }),
      })
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(await res.json()).toMatchObject({ code: 'STORE_BUSY' })
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    const after = await fetch(`${base.tasks}/v0/tasks`, {
      method: 'POST',
      headers: { ...AS_CONTROLLER, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'mark-ready' }),
    })
    expect(after.status).toBe(201)
  })
})
