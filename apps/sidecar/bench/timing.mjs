// Wall-clock figures that unit tests must not assert (they would flake on a loaded machine): how long
// a stalled request takes to get its 408, and how long stop() takes to abandon a handler that ignores
// its abort signal. Imports the built library (dist/index.js).

import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import {
  buildPublicServer,
  createEngine,
  createLifecycle,
  createMetrics,
  createRegistry,
  defineTask,
  openStore,
} from '../dist/index.js'

const log = pino({ level: 'silent' })

async function stalledRequestMs(timeoutMs) {
  const lifecycle = createLifecycle()
  const server = buildPublicServer({
    lifecycle,
    metrics: createMetrics(new Registry(), []),
    storeProblem: () => undefined,
    log,
    limits: { requestTimeoutMs: timeoutMs, headersTimeoutMs: timeoutMs },
  })
  await server.listen({ host: '127.0.0.1', port: 0 })
  const { port } = server.server.address()
  const started = performance.now()
  const response = await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (c) => {
      data += c
    })
    socket.on('close', () => resolve(data))
    socket.write('GET /v0/livez HTTP/1.1\r\nHost: x\r\n')
  })
  const ms = performance.now() - started
  await server.close()
  return { ms, status: /^HTTP\/1\.1 (\d+)/.exec(response)?.[1] }
}

async function abandonMs(timeoutMs) {
  const home = mkdtempSync(join(tmpdir(), 'sidecar-bench-timing-'))
  const store = openStore(join(home, 'tasks.db'))
  const deaf = defineTask({
    type: 'deaf',
    summary: '',
    paramsSchema: Type.Object({}),
    run: () => new Promise(() => {}),
  })
  const engine = createEngine({
    store,
    registry: createRegistry([deaf]),
    metrics: createMetrics(new Registry(), ['deaf']).tasks,
    log,
    context: {
      home,
      chainId: 'b',
      seidRpcUrl: 'http://127.0.0.1:1',
      readiness: { set: () => {} },
      procRoot: '/proc',
    },
  })
  await engine.submit({ type: 'deaf' })
  // stop()'s own timer is unref'd (it must not hold a stopping process open); hold this one open.
  const keepAlive = setInterval(() => {}, 1000)
  const started = performance.now()
  await engine.stop({ timeoutMs })
  const ms = performance.now() - started
  clearInterval(keepAlive)
  store.close()
  rmSync(home, { recursive: true, force: true })
  return ms
}

export async function timing() {
  const stalled = await stalledRequestMs(300)
  return [
    { case: 'stalled request → 408 (timeout 300 ms)', ms: stalled.ms.toFixed(0), status: stalled.status },
    { case: 'stop() abandons a deaf handler (timeout 100 ms)', ms: (await abandonMs(100)).toFixed(0) },
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await timing())
