import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isPidAlive, startProcess, stopPid, waitUntilHealthy } from './process.js'

const dirs: string[] = []
function logFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-proc-'))
  dirs.push(dir)
  return join(dir, 'p.log')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('startProcess', () => {
  it('stops a running process by PID and reports it gone', async () => {
    const proc = startProcess({ name: 'sleeper', command: 'sleep', args: ['30'], logFile: logFile() })
    expect(isPidAlive(proc.pid)).toBe(true)
    await proc.stop()
    await proc.stop()
    expect(isPidAlive(proc.pid)).toBe(false)
  })

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const proc = startProcess({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', 'trap "" TERM; while :; do sleep 0.1; done'],
      logFile: logFile(),
      stopGraceMs: 200,
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await proc.stop()
    expect(isPidAlive(proc.pid)).toBe(false)
  })
})

describe('waitUntilHealthy', () => {
  it('turns a bind failure in the log into TESTENV_PORT_RACE naming the log', async () => {
    const file = logFile()
    const proc = startProcess({
      name: 'binder',
      command: 'sh',
      args: ['-c', 'echo "listen tcp 127.0.0.1:1234: bind: address already in use"; exit 1'],
      logFile: file,
    })
    await expect(
      waitUntilHealthy(proc, async () => false, { what: 'binder', timeoutMs: 5_000 }),
    ).rejects.toThrow(new RegExp(`TESTENV_PORT_RACE.*${file}`))
  })

  it('reports an early exit as TESTENV_PROCESS_EXITED', async () => {
    const proc = startProcess({ name: 'crasher', command: 'sh', args: ['-c', 'exit 3'], logFile: logFile() })
    await expect(
      waitUntilHealthy(proc, async () => false, { what: 'crasher', timeoutMs: 5_000 }),
    ).rejects.toThrow(/TESTENV_PROCESS_EXITED/)
  })

  it('gives up with TESTENV_NOT_READY after the timeout', async () => {
    const proc = startProcess({ name: 'idle', command: 'sleep', args: ['30'], logFile: logFile() })
    try {
      await expect(
        waitUntilHealthy(proc, async () => false, { what: 'idle', timeoutMs: 200, intervalMs: 20 }),
      ).rejects.toThrow(/TESTENV_NOT_READY: idle not ready after 200 ms/)
    } finally {
      await proc.stop()
    }
  })
})

describe('stopPid', () => {
  it('stops a process that is not a direct handle of ours and ignores a dead PID', async () => {
    const proc = startProcess({ name: 'sleeper', command: 'sleep', args: ['30'], logFile: logFile() })
    await stopPid(proc.pid, 1_000)
    await proc.exited
    expect(isPidAlive(proc.pid)).toBe(false)
    await stopPid(proc.pid)
  })
})
