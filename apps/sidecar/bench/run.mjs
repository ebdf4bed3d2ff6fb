#!/usr/bin/env node
// Sidecar benchmark (not a test: prints figures, never fails on timing).
//
//   pnpm --filter @sei-k8s/sidecar run bench [-- --public-url URL --tasks-url URL --duration S --connections N]
//
// Without URLs it starts the built sidecar (dist/main.js) on free loopback ports with a temp SEI_HOME.
// With URLs it measures that sidecar instead (the tasks URL must reach the loopback tasks listener).
// Memory comes from the sidecar's own process_resident_memory_bytes, so it works for any sidecar.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { values } = parseArgs({
  // pnpm forwards the `--` separator itself.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'public-url': { type: 'string' },
    'tasks-url': { type: 'string' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help) {
  process.stdout.write(
    'usage: bench/run.mjs [--public-url http://host:9100] [--tasks-url http://127.0.0.1:7777] [--duration 5] [--connections 32]\n',
  )
  process.exit(0)
}
const duration = Number(values.duration)
const connections = Number(values.connections)
const IDENTITY = { 'x-remote-user': 'bench' }

async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function startLocal() {
  const home = mkdtempSync(join(tmpdir(), 'sidecar-bench-'))
  const [tasksPort, publicPort] = [await freePort(), await freePort()]
  const child = spawn(process.execPath, [new URL('../dist/main.js', import.meta.url).pathname], {
    env: {
      PATH: process.env.PATH,
      SEI_HOME: home,
      SEI_CHAIN_ID: 'bench-1',
      SEI_SIDECAR_PORT: String(tasksPort),
      SEI_SIDECAR_PUBLIC_PORT: String(publicPort),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const publicUrl = `http://127.0.0.1:${publicPort}`
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${publicUrl}/v0/startupz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    publicUrl,
    tasksUrl: `http://127.0.0.1:${tasksPort}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
      rmSync(home, { recursive: true, force: true })
    },
  }
}

async function rssMiB(publicUrl) {
  const text = await (await fetch(`${publicUrl}/v0/metrics`)).text()
  const match = /^process_resident_memory_bytes (\d+(?:\.\d+)?)/m.exec(text)
  return match ? (Number(match[1]) / 1024 / 1024).toFixed(1) : 'n/a'
}

function summarize(name, result, unit = 'req/s') {
  return {
    name,
    [unit]: Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

const local = values['public-url'] ? undefined : await startLocal()
const publicUrl = values['public-url'] ?? local.publicUrl
const tasksUrl = values['tasks-url'] ?? local?.tasksUrl
try {
  // healthz answers 200 only after mark-ready.
  if (tasksUrl) {
    await fetch(`${tasksUrl}/v0/tasks`, {
      method: 'POST',
      headers: { ...IDENTITY, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'mark-ready' }),
    })
    await new Promise((r) => setTimeout(r, 200))
  }
  const idle = await rssMiB(publicUrl)
  const rows = []
  rows.push(
    summarize('GET /v0/healthz', await autocannon({ url: `${publicUrl}/v0/healthz`, connections, duration })),
  )
  rows.push(
    summarize('GET /v0/metrics', await autocannon({ url: `${publicUrl}/v0/metrics`, connections, duration })),
  )
  if (tasksUrl) {
    const submit = await autocannon({
      url: tasksUrl,
      connections: Math.min(connections, 16),
      duration,
      requests: [
        {
          method: 'POST',
          path: '/v0/tasks',
          headers: { ...IDENTITY, 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ id: randomUUID(), type: 'mark-ready' }),
          }),
        },
      ],
    })
    rows.push(summarize('POST /v0/tasks (mark-ready, fresh ids)', submit, 'acks/s'))
  }
  const loaded = await rssMiB(publicUrl)
  console.log(
    `sidecar bench: ${duration}s per case, ${connections} connections, public ${publicUrl}, tasks ${tasksUrl ?? '(not given)'}`,
  )
  console.table(rows)
  console.log(`RSS idle ${idle} MiB, after load ${loaded} MiB`)
} finally {
  await local?.stop()
}
