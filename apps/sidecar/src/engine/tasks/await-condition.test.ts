import { spawn } from 'node:child_process'
import { symlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, tempHome } from '../../__tests__/harness.js'
import { awaitCondition, conditionHolds, parseSyncInfo } from './await-condition.js'
import { findProcesses } from './restart-seid.js'

let server: Server | undefined
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined))
  server = undefined
})

/** A fake seid RPC on loopback whose height grows by one per /status call. */
async function fakeRpc(start: number, catchingUp = false): Promise<string> {
  let height = start
  const created = createServer((req, res) => {
    if (req.url !== '/status') return void res.writeHead(404).end()
    const body = {
      jsonrpc: '2.0',
      id: -1,
      result: { sync_info: { latest_block_height: String(height++), catching_up: catchingUp } },
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  server = created
  await new Promise<void>((r) => created.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`
}

const fastSleep = {
  sleep: (_ms: number, signal: AbortSignal) =>
    new Promise<void>((r, j) => (signal.aborted ? j(signal.reason) : setTimeout(r, 5))),
}

describe('await-condition', () => {
  it('parses CometBFT status bodies, wrapped or bare', () => {
    expect(
      parseSyncInfo({ result: { sync_info: { latest_block_height: '12', catching_up: true } } }),
    ).toEqual({ height: 12, catchingUp: true })
    expect(parseSyncInfo({ sync_info: { latest_block_height: '3', catching_up: false } })).toEqual({
      height: 3,
      catchingUp: false,
    })
    expect(parseSyncInfo({ nope: 1 })).toBeUndefined()
    expect(parseSyncInfo(null)).toBeUndefined()
  })

  it('checks height as a lower bound and catchingUp as equality', () => {
    expect(conditionHolds({ height: 5 }, { height: 5, catchingUp: true })).toBe(true)
    expect(conditionHolds({ height: 6 }, { height: 5, catchingUp: false })).toBe(false)
    expect(conditionHolds({ catchingUp: false }, { height: 1, catchingUp: true })).toBe(false)
  })

  it('polls until the height is reached', async () => {
    const url = await fakeRpc(1)
    const result = await awaitCondition.run(
      { height: 4, timeoutSeconds: 10 },
      contextFor('/tmp', { seidRpcUrl: url, ...fastSleep }),
    )
    expect(result).toEqual({ height: 4, catchingUp: false })
  })

  it('fails after the timeout with the last observation', async () => {
    const url = await fakeRpc(1, true)
    await expect(
      awaitCondition.run({ catchingUp: false, timeoutSeconds: 1 }, contextFor('/tmp', { seidRpcUrl: url })),
    ).rejects.toThrow(
      /condition not met within 1s polling http:\/\/127\.0\.0\.1:\d+\/status; last: height \d+, catching_up true/,
    )
  })

  it('keeps polling through a refused connection until the timeout', async () => {
    await expect(
      awaitCondition.run(
        { height: 1, timeoutSeconds: 1 },
        contextFor('/tmp', { seidRpcUrl: 'http://127.0.0.1:1' }),
      ),
    ).rejects.toThrow(/condition not met within 1s.*last: fetch failed/)
  })

  it('accepts the upstream shape {condition: "height", targetHeight} without a timeout', async () => {
    const url = await fakeRpc(1)
    const result = await awaitCondition.run(
      { condition: 'height', targetHeight: 3 },
      contextFor('/tmp', { seidRpcUrl: url, ...fastSleep }),
    )
    expect(result).toEqual({ height: 3, catchingUp: false })
  })

  it('reads condition "catchingUp" as "wait until caught up"', async () => {
    const url = await fakeRpc(7, false)
    const result = await awaitCondition.run(
      { condition: 'catchingUp' },
      contextFor('/tmp', { seidRpcUrl: url }),
    )
    expect(result).toEqual({ height: 7, catchingUp: false })
  })

  it('stops seid with SIGTERM_SEID once the height is reached (halt at an upgrade height)', async () => {
    const url = await fakeRpc(1)
    const { home, remove } = tempHome()
    const link = join(home, 'seid')
    symlinkSync('/bin/sleep', link)
    const child = spawn(link, ['30'], { stdio: 'ignore' })
    try {
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
      for (
        let i = 0;
        i < 100 && !(await findProcesses('/proc', 'seid')).some((p) => p.pid === child.pid);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 20))
      }
      const result = await awaitCondition.run(
        { condition: 'height', targetHeight: 2, action: 'SIGTERM_SEID' },
        contextFor('/tmp', { seidRpcUrl: url, ...fastSleep }),
      )
      expect(result).toEqual({ height: 2, catchingUp: false, action: 'SIGTERM_SEID', pid: child.pid })
      expect(await exited).toBe('SIGTERM')
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      remove()
    }
  })

  it.each([
    [{ condition: 'height' }, 'params.targetHeight: required when condition is "height"'],
    [{ condition: 'height', targetHeight: 1, height: 1 }, 'not both'],
    [{ targetHeight: 5 }, 'params.condition: required with targetHeight or action'],
    [{ height: 5 }, 'params.timeoutSeconds: expected required property'],
  ])('rejects the combination %j at submission', (params, message) => {
    expect(awaitCondition.check?.(params as never)).toContain(message)
  })
})
