/** The public metrics endpoint against the real Prometheus and promtool (Debian package `prometheus`). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  makeHome,
  missingPrerequisite,
  type SidecarProcess,
  startSidecar,
  stopSidecar,
  submit,
} from './sidecar-process.js'

const hasBinary = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0
const skipReason =
  hasBinary('prometheus') && hasBinary('promtool')
    ? undefined
    : missingPrerequisite('prometheus/promtool', 'apt-get install -y prometheus (Debian package prometheus)')

const home = makeHome()
let sidecar: SidecarProcess | undefined
let prometheus: ChildProcess | undefined
let prometheusLog = ''

beforeAll(async () => {
  if (skipReason) return
  sidecar = await startSidecar({ home: home.home })
  // Some traffic so the seictl series carry non-zero values.
  await submit(sidecar, { type: 'mark-ready' })
  await fetch(`${sidecar.tasksUrl}/v0/tasks`)
})
afterAll(async () => {
  if (prometheus?.exitCode === null) {
    const exited = new Promise((r) => prometheus?.once('exit', r))
    prometheus.kill('SIGTERM')
    const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  await stopSidecar(sidecar)
  home.remove()
})

describe.skipIf(skipReason !== undefined)('metrics with real Prometheus tooling', () => {
  it('passes promtool check metrics', async () => {
    const text = await (await fetch(`${sidecar?.publicUrl}/v0/metrics`)).text()
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(`${result.stdout}${result.stderr}`).toBe('')
    expect(result.status).toBe(0)
  })

  it('is scraped by a real Prometheus with up == 1', async () => {
    if (!sidecar) throw new Error('sidecar not started')
    const port = await freePort()
    const config = join(home.home, 'prometheus.yml')
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: sidecar',
        '    metrics_path: /v0/metrics',
        `    static_configs: [{ targets: ['127.0.0.1:${sidecar.publicPort}'] }]`,
        '',
      ].join('\n'),
    )
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(home.home, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    prometheus.stderr?.on('data', (c: Buffer) => {
      prometheusLog += c.toString()
    })
    const query = async (q: string) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)
        const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } }
        return body.data?.result?.[0]?.value[1]
      } catch {
        return undefined
      }
    }
    await expect.poll(() => query('up{job="sidecar"}'), { timeout: 30_000, interval: 250 }).toBe('1')
    expect(await query('seictl_task_submissions_total{type="mark-ready"}')).toBe('1')
    expect(await query('seictl_sidecar_authn_rejections_total{reason="missing_header"}')).toBe('1')
    expect(prometheusLog).not.toMatch(/level=(error|warn).*sidecar/i)
  })
})
