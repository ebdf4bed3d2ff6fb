import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, tempHome } from '../../__tests__/harness.js'
import { findProcesses, parseProcStat, restartSeid } from './restart-seid.js'

const children: ChildProcess[] = []
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const fn of cleanups.splice(0)) fn()
})

/**
 * Starts a real process whose command name is `seid`: `sleep` exec'd through a symlink named seid (the
 * kernel takes comm from the exec'd path). It never forks, so no second "seid" can appear mid-test.
 * With `ignoreTerm`, bash sets SIGTERM to ignored and execs it: an ignored disposition survives exec.
 */
function startFakeSeid(options: { ignoreTerm: boolean }): ChildProcess {
  const { home, remove } = tempHome()
  cleanups.push(remove)
  const link = join(home, 'seid')
  symlinkSync('/bin/sleep', link)
  const child = options.ignoreTerm
    ? spawn('/bin/bash', ['-c', `trap '' TERM; exec ${link} 30`], { stdio: 'ignore' })
    : spawn(link, ['30'], { stdio: 'ignore' })
  children.push(child)
  return child
}

async function waitForSeid(pid: number | undefined): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await findProcesses('/proc', 'seid')).some((p) => p.pid === pid)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('fake seid did not start')
}

describe('parseProcStat', () => {
  it('reads state and start time even when the command has spaces and parentheses', () => {
    const stat = '42 (we ird) (x) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10'
    expect(parseProcStat(42, stat)).toEqual({ pid: 42, ppid: 1, state: 'S', startTime: '987654' })
  })
})

describe('restart-seid', () => {
  it('sends SIGTERM to seid and returns its pid once it exited', async () => {
    const child = startFakeSeid({ ignoreTerm: false })
    await waitForSeid(child.pid)
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    expect(await restartSeid.run({ timeoutSeconds: 10 }, contextFor('/tmp'))).toEqual({ pid: child.pid })
    expect(await exited).toBe('SIGTERM')
  })

  it('fails clearly when seid ignores SIGTERM past the timeout', async () => {
    const child = startFakeSeid({ ignoreTerm: true })
    await waitForSeid(child.pid)
    await expect(restartSeid.run({ timeoutSeconds: 1 }, contextFor('/tmp'))).rejects.toThrow(
      `seid (pid ${child.pid}) did not exit within 1s after SIGTERM`,
    )
  })

  it('fails clearly when no seid runs', async () => {
    const { home, remove } = tempHome()
    cleanups.push(remove)
    const empty = mkdtempSync(join(home, 'proc-'))
    await expect(restartSeid.run({}, contextFor('/tmp', { procRoot: empty }))).rejects.toThrow(
      /no running process named seid/,
    )
  })
})
