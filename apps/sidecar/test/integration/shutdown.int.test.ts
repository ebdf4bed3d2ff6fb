/** SIGTERM while requests are in flight: they complete, healthz turns 503, the process exits 0. */
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import {
  IDENTITY,
  makeHome,
  type SidecarProcess,
  startSidecar,
  stopSidecar,
  submit,
} from './sidecar-process.js'

const home = makeHome()
let sidecar: SidecarProcess | undefined
afterAll(async () => {
  await stopSidecar(sidecar)
  home.remove()
})

/** Starts a POST whose body is still arriving; `finish()` sends the rest and resolves the response. */
function slowSubmit(port: number, body: string): { finish: () => Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  let response = ''
  socket.on('data', (chunk) => {
    response += chunk.toString()
  })
  const closed = new Promise<void>((r) => socket.on('close', () => r()))
  const head = `POST /v0/tasks HTTP/1.1\r\nHost: x\r\nX-Remote-User: ${IDENTITY['x-remote-user']}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`
  socket.write(head + body.slice(0, 5))
  return {
    finish: async () => {
      socket.write(body.slice(5))
      await closed
      return response
    },
  }
}

describe('graceful shutdown (real process)', () => {
  it('drains in-flight requests, fails healthz, leaves running tasks running and exits 0', async () => {
    sidecar = await startSidecar({ home: home.home, env: { SEI_SIDECAR_SEID_RPC_URL: 'http://127.0.0.1:1' } })
    expect((await submit(sidecar, { type: 'mark-ready' })).status).toBe(201)
    await expect.poll(async () => (await fetch(`${sidecar?.publicUrl}/v0/healthz`)).status).toBe(200)
    const longTask = (await (
      await submit(sidecar, { type: 'await-condition', params: { height: 1, timeoutSeconds: 600 } })
    ).json()) as { id: string }

    const inFlight = [
      slowSubmit(sidecar.tasksPort, JSON.stringify({ type: 'mark-not-ready' })),
      slowSubmit(sidecar.tasksPort, JSON.stringify({ type: 'generate-identity' })),
    ]
    await new Promise((r) => setTimeout(r, 100))
    const started = Date.now()
    sidecar.signal('SIGTERM')
    await expect
      .poll(async () => (await fetch(`${sidecar?.publicUrl}/v0/healthz`)).status, { interval: 20 })
      .toBe(503)
    // Past the 1 s drain delay the listeners are closing: the half-sent requests must still complete.
    await new Promise((r) => setTimeout(r, 1500))
    expect(sidecar.child.exitCode).toBeNull()
    const responses = await Promise.all(inFlight.map((r) => r.finish()))
    for (const response of responses) expect(response).toMatch(/^HTTP\/1\.1 201/)

    expect(await sidecar.exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(25_000)
    expect(sidecar.output()).toContain('"shutdown complete"')

    // Restart: the interrupted task is still there, running, same run.
    const first = sidecar
    sidecar = await startSidecar({ home: home.home, env: { SEI_SIDECAR_SEID_RPC_URL: 'http://127.0.0.1:1' } })
    const task = await (
      await fetch(`${sidecar.tasksUrl}/v0/tasks/${longTask.id}`, { headers: IDENTITY })
    ).json()
    expect(task).toMatchObject({ status: 'running', run: 1 })
    expect(first.output()).not.toContain('"level":50')
  })
})
