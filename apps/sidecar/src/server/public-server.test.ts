import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AS_CONTROLLER, createHarness, eventually, type Harness } from '../__tests__/harness.js'

let h: Harness
beforeEach(async () => {
  h = await createHarness()
})
afterEach(async () => h.close())

describe('public listener', () => {
  it('passes startupz once started, without waiting for mark-ready', async () => {
    const res = await h.public.inject({ method: 'GET', url: '/v0/startupz' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('ok')
    expect(h.lifecycle.isReady).toBe(false)
  })

  it('gates healthz on mark-ready and on draining', async () => {
    expect((await h.public.inject({ url: '/v0/healthz' })).statusCode).toBe(503)
    h.lifecycle.setReady(true)
    expect((await h.public.inject({ url: '/v0/healthz' })).statusCode).toBe(200)
    h.lifecycle.startDraining()
    const draining = await h.public.inject({ url: '/v0/healthz' })
    expect(draining.statusCode).toBe(503)
    expect(draining.body).toContain('[-]shutdown failed: draining')
    // Liveness stays up while draining: restarting a draining process helps nobody.
    expect((await h.public.inject({ url: '/v0/livez' })).statusCode).toBe(200)
  })

  it('lists named checks with ?verbose and skips ?exclude-d ones', async () => {
    const res = await h.public.inject({ url: '/v0/healthz?verbose' })
    expect(res.body).toBe(
      '[+]startup ok\n[+]store ok\n[-]ready failed: not marked ready (mark-ready task pending)\n[+]shutdown ok\nhealthz check failed\n',
    )
    const excluded = await h.public.inject({ url: '/v0/healthz?verbose&exclude=ready' })
    expect(excluded.statusCode).toBe(200)
    expect(excluded.body).toContain('[+]ready excluded: ok')
    expect((await h.public.inject({ url: '/v0/livez?verbose=1' })).body).toBe(
      '[+]store ok\nlivez check passed\n',
    )
  })

  it('fails livez when the store stops answering', async () => {
    h.store.close()
    // The store is pinged off the request path; the probe reports the monitor's last result.
    const res = await eventually(async () => {
      const r = await h.public.inject({ url: '/v0/livez' })
      return r.statusCode === 503 ? r : undefined
    })
    expect(res.body).toContain('[-]store failed')
  })

  it.each(['/v0/healthz', '/v0/livez', '/v0/startupz', '/v0/metrics'])('answers HEAD %s', async (url) => {
    h.lifecycle.setReady(true)
    const res = await h.public.inject({ method: 'HEAD', url })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('')
  })

  it('serves Prometheus text with the exact content type by default', async () => {
    const res = await h.public.inject({ url: '/v0/metrics' })
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(res.body).toContain('seictl_task_submissions_total{type="mark-ready"} 0')
    expect(res.body).toContain('seictl_sidecar_authn_rejections_total{reason="duplicate_header"} 0')
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })

  it('serves OpenMetrics when Accept ranks it first, without renaming counters in the text format', async () => {
    const accept =
      'application/openmetrics-text;version=1.0.0;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2'
    const om = await h.public.inject({ url: '/v0/metrics', headers: { accept } })
    expect(om.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8')
    expect(om.body).toContain('# TYPE seictl_task_submissions counter')
    expect(om.body).toContain('seictl_task_submissions_total{type="mark-ready"} 0')
    expect(om.body.endsWith('# EOF\n')).toBe(true)
    const text = await h.public.inject({ url: '/v0/metrics' })
    expect(text.body).toContain('# TYPE seictl_task_submissions_total counter')
  })

  it('ignores identity headers and never serves the task API', async () => {
    for (const headers of [{}, AS_CONTROLLER, { 'x-remote-user': ['a', 'b'] }, { 'x-remote-user': '' }]) {
      expect((await h.public.inject({ url: '/v0/startupz', headers })).statusCode).toBe(200)
      const tasks = await h.public.inject({ url: '/v0/tasks', headers })
      expect(tasks.statusCode).toBe(404)
      expect(tasks.json().code).toBe('NOT_FOUND')
    }
    const json = await h.metrics.registry.getSingleMetric('seictl_sidecar_authn_rejections_total')?.get()
    expect(json?.values.every((v) => v.value === 0)).toBe(true)
  })
})
