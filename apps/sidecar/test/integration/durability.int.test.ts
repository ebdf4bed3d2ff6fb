/** A task acknowledged with 201 survives SIGKILL; interrupted runs resume with the same run number. */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IDENTITY,
  makeHome,
  type SidecarProcess,
  startSidecar,
  stopSidecar,
  submit,
} from './sidecar-process.js'

interface Task {
  id: string
  type: string
  status: string
  run: number
}

let rpc: Server
let height = 1
let rpcUrl = ''
const home = makeHome()
let sidecar: SidecarProcess | undefined

beforeAll(async () => {
  // A fake seid RPC on loopback: await-condition tasks stay running until the height moves.
  rpc = createServer((_req, res) => {
    const body = { result: { sync_info: { latest_block_height: String(height), catching_up: false } } }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  await new Promise<void>((r) => rpc.listen(0, '127.0.0.1', r))
  rpcUrl = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`
})
afterAll(async () => {
  await stopSidecar(sidecar)
  await new Promise((r) => rpc.close(r))
  home.remove()
})

async function tasks(s: SidecarProcess): Promise<Task[]> {
  return (await (await fetch(`${s.tasksUrl}/v0/tasks`, { headers: IDENTITY })).json()) as Task[]
}

describe('durability across SIGKILL (real process, real SQLite)', () => {
  it('keeps every id acknowledged in a concurrent burst cut short by SIGKILL', async () => {
    const burstHome = makeHome()
    let burst: SidecarProcess | undefined = await startSidecar({ home: burstHome.home })
    try {
      const acknowledged: string[] = []
      const target = burst
      let killed = false
      const requests = Array.from({ length: 300 }, async () => {
        try {
          const res = await submit(target, { type: 'mark-ready' })
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id)
        } catch {
          // cut off by the kill: never acknowledged, so it may be lost
        }
        // Kill mid-burst: some requests acknowledged, the rest in flight.
        if (!killed && acknowledged.length >= 100) {
          killed = true
          target.signal('SIGKILL')
        }
      })
      await Promise.all(requests)
      await target.exited
      expect(acknowledged.length).toBeGreaterThanOrEqual(100)
      burst = await startSidecar({ home: burstHome.home })
      const stored = new Set((await tasks(burst)).map((t) => t.id))
      // The list shows the newest 100; check each acknowledged id directly.
      for (const id of acknowledged) {
        if (stored.has(id)) continue
        const res = await fetch(`${burst.tasksUrl}/v0/tasks/${id}`, { headers: IDENTITY })
        expect(res.status, `acknowledged ${id} lost`).toBe(200)
      }
    } finally {
      await stopSidecar(burst)
      burstHome.remove()
    }
  })

  it('keeps every acknowledged id, resumes running tasks with the same run, and resets readiness', async () => {
    const env = { SEI_SIDECAR_SEID_RPC_URL: rpcUrl }
    sidecar = await startSidecar({ home: home.home, env })
    const acknowledged: string[] = []
    for (let i = 0; i < 40; i++) {
      const res = await submit(sidecar, { type: 'mark-ready' })
      expect(res.status).toBe(201)
      acknowledged.push(((await res.json()) as { id: string }).id)
    }
    const waiting: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await submit(sidecar, {
        type: 'await-condition',
        params: { height: 100, timeoutSeconds: 600 },
      })
      expect(res.status).toBe(201)
      waiting.push(((await res.json()) as { id: string }).id)
    }
    // A failed task re-run once (run 2) must keep run 2 across the crash.
    const failing = { id: '2f0c3b1a-9d8e-4f7a-8b6c-5d4e3f2a1b0c', type: 'config-validate' }
    expect((await submit(sidecar, failing)).status).toBe(201)
    await expect
      .poll(async () => (await tasks(sidecar as SidecarProcess)).find((t) => t.id === failing.id)?.status)
      .toBe('failed')
    expect((await submit(sidecar, failing)).status).toBe(201)
    expect((await fetch(`${sidecar.publicUrl}/v0/healthz`)).status).toBe(200)

    sidecar.signal('SIGKILL')
    expect(await sidecar.exited).toBe('SIGKILL')
    sidecar = await startSidecar({ home: home.home, env })

    const after = await tasks(sidecar)
    const byId = new Map(after.map((t) => [t.id, t]))
    for (const id of [...acknowledged, ...waiting, failing.id]) expect(byId.has(id), id).toBe(true)
    for (const id of waiting) expect(byId.get(id)).toMatchObject({ status: 'running', run: 1 })
    expect(byId.get(failing.id)?.run).toBe(2)
    expect(sidecar.output()).toContain('"resumedTasks":')

    // Readiness is in memory: false again until the controller sends mark-ready.
    expect((await fetch(`${sidecar.publicUrl}/v0/healthz`)).status).toBe(503)
    const status = await fetch(`${sidecar.tasksUrl}/v0/status`, { headers: IDENTITY })
    expect(await status.json()).toEqual({ status: 'Initializing' })

    // The resumed runs are live: moving the height completes them, still as run 1.
    height = 100
    await expect
      .poll(
        async () =>
          (await tasks(sidecar as SidecarProcess)).filter(
            (t) => waiting.includes(t.id) && t.status === 'completed',
          ).length,
        { timeout: 10_000 },
      )
      .toBe(3)
    expect((await tasks(sidecar)).find((t) => t.id === waiting[0])?.run).toBe(1)

    expect((await submit(sidecar, { type: 'mark-ready' })).status).toBe(201)
    await expect.poll(async () => (await fetch(`${sidecar?.publicUrl}/v0/healthz`)).status).toBe(200)
  })

  it('applies every acknowledged config patch, in submission order, across a SIGKILL mid-queue', async () => {
    const patchHome = makeHome()
    let patcher: SidecarProcess | undefined = await startSidecar({ home: patchHome.home })
    try {
      const ids: string[] = []
      for (let i = 1; i <= 30; i++) {
        const res = await submit(patcher, {
          type: 'config-patch',
          params: { files: { 'app.toml': { last: i, [`k${i}`]: i } } },
        })
        expect(res.status).toBe(201)
        ids.push(((await res.json()) as { id: string }).id)
      }
      patcher.signal('SIGKILL')
      await patcher.exited
      patcher = await startSidecar({ home: patchHome.home })
      const restarted = patcher
      await expect
        .poll(
          async () =>
            (await tasks(restarted)).filter((t) => ids.includes(t.id) && t.status === 'completed').length,
          { timeout: 30_000 },
        )
        .toBe(30)
      const text = readFileSync(join(patchHome.home, 'config', 'app.toml'), 'utf8')
      expect(text).toMatch(/^last = 30$/m)
      for (let i = 1; i <= 30; i++) expect(text).toMatch(new RegExp(`^k${i} = ${i}$`, 'm'))
    } finally {
      await stopSidecar(patcher)
      patchHome.remove()
    }
  })
})
