import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createMetrics, prefersOpenMetrics } from './metrics.js'

describe('prefersOpenMetrics', () => {
  it.each([
    [undefined, false],
    ['text/plain', false],
    ['*/*', false],
    ['application/openmetrics-text; version=1.0.0', true],
    ['application/openmetrics-text;version=1.0.0;q=0.6,text/plain;version=0.0.4;q=0.3,*/*;q=0.2', true],
    ['application/openmetrics-text;q=0.2,text/plain;q=0.9', false],
    ['application/openmetrics-text;q=0', false],
  ])('Accept %j → %s', (accept, expected) => {
    expect(prefersOpenMetrics(accept)).toBe(expected)
  })
})

describe('createMetrics', () => {
  it('starts known label combinations at zero and keeps unknown types out of labels', async () => {
    const metrics = createMetrics(new Registry(), ['mark-ready'])
    metrics.tasks.submitted('mark-ready')
    metrics.tasks.submitted('attacker-chosen-type')
    metrics.tasks.finished('mark-ready', 'failed', 0.01)
    const { body } = await metrics.render(undefined)
    expect(body).toContain('seictl_task_submissions_total{type="mark-ready"} 1')
    expect(body).toContain('seictl_task_submissions_total{type="unknown"} 1')
    expect(body).not.toContain('attacker')
    expect(body).toContain('seictl_task_failures_total{type="mark-ready"} 1')
    expect(body).toContain(
      'seictl_task_execution_duration_seconds_count{type="mark-ready",status="failed"} 1',
    )
    for (const reason of ['missing_header', 'duplicate_header', 'empty_header']) {
      expect(body).toContain(`seictl_sidecar_authn_rejections_total{reason="${reason}"} 0`)
    }
  })

  it('renders both formats repeatedly from one registry, the text format unchanged', async () => {
    const metrics = createMetrics(new Registry(), ['mark-ready'])
    for (let i = 0; i < 2; i++) {
      const om = await metrics.render('application/openmetrics-text')
      expect(om.body).toContain('seictl_task_submissions_total{type="mark-ready"} 0')
      const text = await metrics.render('text/plain')
      expect(text.body).toContain('# TYPE seictl_task_submissions_total counter')
    }
  })

  it('uses one registry per instance, so two sidecars in one process do not collide', () => {
    expect(() => {
      createMetrics(new Registry(), ['a'])
      createMetrics(new Registry(), ['a'])
    }).not.toThrow()
  })
})
