import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AS_CONTROLLER, createHarness, eventually, type Harness } from '../__tests__/harness.js'

let h: Harness
afterEach(async () => h?.close())

async function rejections(harness: Harness): Promise<Record<string, number>> {
  const json = await harness.metrics.registry.getSingleMetric('seictl_sidecar_authn_rejections_total')?.get()
  return Object.fromEntries((json?.values ?? []).map((v) => [String(v.labels['reason']), v.value]))
}

describe('tasks listener in trusted-header mode', () => {
  beforeEach(async () => {
    h = await createHarness()
  })

  it.each([
    ['missing', {}, 'missing X-Remote-User header', 'missing_header'],
    ['empty', { 'x-remote-user': '  ' }, 'X-Remote-User header is empty', 'empty_header'],
    [
      'duplicated',
      { 'x-remote-user': ['alice', 'bob'] },
      'X-Remote-User header sent 2 times',
      'duplicate_header',
    ],
  ])(
    'rejects a %s X-Remote-User with 401, a distinct message and a counted reason',
    async (_case, headers, message, reason) => {
      const res = await h.tasks.inject({ method: 'GET', url: '/v0/tasks', headers })
      expect(res.statusCode).toBe(401)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      expect(res.json().error).toContain(message)
      expect((await rejections(h))[reason]).toBe(1)
    },
  )

  it('answers 401 before 404: unknown paths without identity are unauthenticated', async () => {
    const res = await h.tasks.inject({ method: 'GET', url: '/nope' })
    expect(res.statusCode).toBe(401)
    const bad = await h.tasks.inject({
      method: 'POST',
      url: '/v0/tasks',
      payload: '{',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.statusCode).toBe(401)
  })

  it.each(['/v0/healthz', '/v0/livez', '/v0/startupz', '/v0/metrics'])(
    'does not serve %s, even authenticated',
    async (url) => {
      const res = await h.tasks.inject({ method: 'GET', url, headers: AS_CONTROLLER })
      expect(res.statusCode).toBe(404)
      expect(res.json().error).toContain('not found')
      expect((await h.tasks.inject({ method: 'GET', url })).statusCode).toBe(401)
    },
  )

  it('submits, lists, gets and deletes a task with the Go sidecar wire format', async () => {
    const id = '0b5e0a4e-6f7a-4c55-9d0e-3d2f4a7b8c91'
    const created = await h.tasks.inject({
      method: 'POST',
      url: '/v0/tasks',
      headers: AS_CONTROLLER,
      payload: { id, type: 'mark-ready' },
    })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toEqual({ id })
    const done = await eventually<{ submittedAt: string; completedAt: string }>(async () => {
      const res = await h.tasks.inject({ method: 'GET', url: `/v0/tasks/${id}`, headers: AS_CONTROLLER })
      return res.json().status === 'completed' ? res.json() : undefined
    })
    expect(done).toMatchObject({ id, type: 'mark-ready', status: 'completed', run: 1 })
    expect(done.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    expect(done.completedAt).toMatch(/Z$/)
    const list = await h.tasks.inject({ method: 'GET', url: '/v0/tasks', headers: AS_CONTROLLER })
    expect(list.json()).toHaveLength(1)
    const status = await h.tasks.inject({ method: 'GET', url: '/v0/status', headers: AS_CONTROLLER })
    expect(status.json()).toEqual({ status: 'Ready' })
    const deleted = await h.tasks.inject({ method: 'DELETE', url: `/v0/tasks/${id}`, headers: AS_CONTROLLER })
    expect(deleted.statusCode).toBe(204)
    const gone = await h.tasks.inject({ method: 'GET', url: `/v0/tasks/${id}`, headers: AS_CONTROLLER })
    expect(gone.statusCode).toBe(404)
    expect(gone.json().error).toBe('task not found')
    const again = await h.tasks.inject({ method: 'DELETE', url: `/v0/tasks/${id}`, headers: AS_CONTROLLER })
    expect(again.statusCode).toBe(404)
  })

  it('reports Initializing until mark-ready and 404s node-id until generate-identity', async () => {
    const status = await h.tasks.inject({ method: 'GET', url: '/v0/status', headers: AS_CONTROLLER })
    expect(status.json()).toEqual({ status: 'Initializing' })
    const missing = await h.tasks.inject({ method: 'GET', url: '/v0/node-id', headers: AS_CONTROLLER })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error).toContain('generate-identity')
    await h.tasks.inject({
      method: 'POST',
      url: '/v0/tasks',
      headers: AS_CONTROLLER,
      payload: { type: 'generate-identity' },
    })
    const nodeId = await eventually(async () => {
      const res = await h.tasks.inject({ method: 'GET', url: '/v0/node-id', headers: AS_CONTROLLER })
      return res.statusCode === 200 ? res.json().nodeId : undefined
    })
    expect(nodeId).toMatch(/^[0-9a-f]{40}$/)
  })

  it('turns a store failure into a 500 "internal error", never a 404 or []', async () => {
    h.store.close()
    for (const url of ['/v0/tasks', '/v0/tasks/0b5e0a4e-6f7a-4c55-9d0e-3d2f4a7b8c91']) {
      const res = await h.tasks.inject({ method: 'GET', url, headers: AS_CONTROLLER })
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ error: 'internal error', code: 'STORE_FAILED' })
    }
    const submit = await h.tasks.inject({
      method: 'POST',
      url: '/v0/tasks',
      headers: AS_CONTROLLER,
      payload: { type: 'mark-ready' },
    })
    expect(submit.statusCode).toBe(500)
  })
})

describe('tasks listener options', () => {
  it('serves the task API without identity in unauthenticated mode', async () => {
    h = await createHarness({ authnMode: 'unauthenticated' })
    const res = await h.tasks.inject({ method: 'GET', url: '/v0/tasks' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual([])
  })

  it('serves the four public paths without identity under the legacy switch, and nothing else', async () => {
    h = await createHarness({ isLegacyPublicOnTasks: true })
    expect((await h.tasks.inject({ method: 'GET', url: '/v0/startupz' })).statusCode).toBe(200)
    expect((await h.tasks.inject({ method: 'GET', url: '/v0/livez' })).statusCode).toBe(200)
    expect((await h.tasks.inject({ method: 'GET', url: '/v0/healthz' })).statusCode).toBe(503)
    const metrics = await h.tasks.inject({ method: 'GET', url: '/v0/metrics' })
    expect(metrics.statusCode).toBe(200)
    expect((await h.tasks.inject({ method: 'GET', url: '/v0/tasks' })).statusCode).toBe(401)
  })
})
