/**
 * Every metric of the sidecar, on a registry passed in (never prom-client's global one). Names keep the Go
 * sidecar's so dashboards keep working. Label values come from closed sets only (registered task types,
 * fixed reasons and statuses): these metrics are readable by anything that reaches the public port.
 */
import {
  AUTHN_REJECTION_REASONS,
  type AuthnRejectionReason,
  PROM_CLIENT_GAUGES_NAMED_TOTAL,
  SIDECAR_METRICS,
} from '@sei-k8s/contract'
import {
  Counter,
  collectDefaultMetrics,
  Histogram,
  type Metric,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client'
import type { TaskMetricsSink } from './engine/engine.js'

export interface SidecarMetrics {
  readonly registry: Registry
  readonly tasks: TaskMetricsSink
  authnRejected(reason: AuthnRejectionReason): void
  /** Renders the registry in the format `accept` prefers (OpenMetrics or Prometheus text 0.0.4). */
  render(accept: string | undefined): Promise<{ readonly contentType: string; readonly body: string }>
}

const DURATION_BUCKETS = [0.005, 0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600]

/**
 * Whether `accept` ranks OpenMetrics above Prometheus text. Prometheus 3 sends e.g.
 * `application/openmetrics-text;version=1.0.0;q=0.6,…,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false
  let openMetrics = -1
  let text = -1
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = parameters.find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q) || q <= 0) continue
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q)
    else if (type === 'text/plain' || type === '*/*' || type === 'text/*') text = Math.max(text, q)
  }
  return openMetrics > 0 && openMetrics >= text
}

/**
 * An OpenMetrics registry showing the same metrics. prom-client's OpenMetrics rendering renames counters
 * in place (strips `_total`), which would corrupt the text format if both registries held the same
 * objects; each view inherits the metric's state but owns its `name`.
 */
function openMetricsView(source: Registry): () => Registry<OpenMetricsContentType> {
  let view: Registry<OpenMetricsContentType> | undefined
  let size = -1
  return () => {
    const metrics = source.getMetricsAsArray()
    if (view === undefined || metrics.length !== size) {
      view = new Registry<OpenMetricsContentType>()
      view.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
      for (const metric of metrics) {
        const own = Object.create(metric, { name: { value: metric.name, writable: true } }) as Metric
        view.registerMetric(own)
      }
      size = metrics.length
    }
    return view
  }
}

/** Declares every sidecar metric on `registry`; known label combinations start at 0. */
export function createMetrics(registry: Registry, taskTypes: readonly string[]): SidecarMetrics {
  collectDefaultMetrics({ register: registry })
  for (const name of PROM_CLIENT_GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name)
  const submissions = new Counter({
    name: SIDECAR_METRICS.taskSubmissions,
    help: 'Tasks accepted for execution (new submissions and re-runs of failed tasks), by type.',
    labelNames: ['type'],
    registers: [registry],
  })
  const failures = new Counter({
    name: SIDECAR_METRICS.taskFailures,
    help: 'Task runs that ended failed, by type.',
    labelNames: ['type'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: SIDECAR_METRICS.taskExecutionDuration,
    help: 'Wall time of finished task runs in seconds, by type and final status.',
    labelNames: ['type', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  })
  const rejections = new Counter({
    name: SIDECAR_METRICS.authnRejections,
    help: 'Tasks-listener requests rejected with 401 for their identity header, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  })
  for (const type of taskTypes) {
    submissions.inc({ type }, 0)
    failures.inc({ type }, 0)
    for (const status of ['completed', 'failed'] as const) duration.zero({ type, status })
  }
  for (const reason of AUTHN_REJECTION_REASONS) rejections.inc({ reason }, 0)
  const known = new Set(taskTypes)
  // Only registered types become label values; anything else would be unbounded input.
  const typeLabel = (type: string): string => (known.has(type) ? type : 'unknown')
  const openMetrics = openMetricsView(registry)
  return {
    registry,
    tasks: {
      submitted: (type) => submissions.inc({ type: typeLabel(type) }),
      finished: (type, status, seconds) => {
        if (status === 'failed') failures.inc({ type: typeLabel(type) })
        duration.observe({ type: typeLabel(type), status }, seconds)
      },
    },
    authnRejected: (reason) => rejections.inc({ reason }),
    render: async (accept) => {
      const target = prefersOpenMetrics(accept) ? openMetrics() : registry
      return { contentType: target.contentType, body: await target.metrics() }
    },
  }
}
