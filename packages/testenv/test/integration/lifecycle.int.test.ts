import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { binaryPaths, isPidAlive, startControlPlane, TestenvError } from '../../src/index.js'

const run = promisify(execFile)
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js')

/** PIDs of every process whose command line mentions `text` (Linux /proc). */
function pidsMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)
      } catch {
        return false
      }
    })
    .map(Number)
}

describe('lifecycle', () => {
  it('a Node process that exits without stop() takes its attached children with it', async () => {
    const processJs = join(dirname(CLI), 'process.js')
    const logFile = join(mkdtempSync(join(tmpdir(), 'sei-testenv-orphan-')), 'sleep.log')
    const script = `
      const { startProcess } = await import(${JSON.stringify(processJs)})
      const p = startProcess({ name: 's', command: 'sleep', args: ['30'], logFile: ${JSON.stringify(logFile)} })
      console.log(p.pid)
      process.exit(0)
    `
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script])
    const pid = Number(stdout.trim())
    expect(pid).toBeGreaterThan(0)
    await expect.poll(() => isPidAlive(pid), { timeout: 2_000 }).toBe(false)
    rmSync(dirname(logFile), { recursive: true, force: true })
  })

  it('starts a plane of its own and leaves no process alive after dispose', async () => {
    let pids: number[] = []
    let dir = ''
    {
      await using plane = await startControlPlane()
      pids = [plane.info.pids.etcd, plane.info.pids.apiserver]
      dir = plane.info.dir
      expect(pids.every(isPidAlive)).toBe(true)
    }
    expect(pids.filter(isPidAlive)).toEqual([])
    expect(existsSync(dir)).toBe(false)
  })

  it('fails with TESTENV_NOT_READY naming the apiserver log, and stops what it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-notready-'))
    try {
      const error = await startControlPlane({ dir, readyTimeoutMs: 1 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TestenvError)
      expect((error as TestenvError).code).toBe('TESTENV_NOT_READY')
      expect((error as TestenvError).logFile).toBe(join(dir, 'logs', 'kube-apiserver.log'))
      expect((error as Error).message).toContain(join(dir, 'logs', 'kube-apiserver.log'))
      expect(pidsMentioning(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a cluster component that dies during start-up rolls back every process, naming its log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-cluster-fail-'))
    try {
      // `false` exits at once, like a kwok that cannot start
      const binaries = { ...binaryPaths(), kwok: '/bin/false' }
      const error = await startControlPlane({ dir, binaries, cluster: true }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TestenvError)
      expect((error as TestenvError).code).toBe('TESTENV_PROCESS_EXITED')
      expect((error as TestenvError).logFile).toBe(join(dir, 'logs', 'kwok.log'))
      expect(pidsMentioning(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('CLI up prints export lines and down stops exactly those PIDs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sei-testenv-cli-'))
    try {
      const up = await run(process.execPath, [CLI, 'up', '--state-dir', stateDir])
      expect(up.stdout).toMatch(/^export KUBECONFIG='.+'$/m)
      expect(up.stdout).toMatch(/^export SEI_TESTENV_API_URL='https:\/\/127\.0\.0\.1:\d+'$/m)
      const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as {
        info: { pids: { etcd: number; apiserver: number } }
      }
      const pids = [state.info.pids.etcd, state.info.pids.apiserver]
      expect(pids.every(isPidAlive)).toBe(true)
      const status = await run(process.execPath, [CLI, 'status', '--state-dir', stateDir])
      expect(status.stdout).toMatch(/readyz\tok/)
      await run(process.execPath, [CLI, 'down', '--state-dir', stateDir])
      expect(pids.filter(isPidAlive)).toEqual([])
      expect(existsSync(join(stateDir, 'state.json'))).toBe(false)
    } finally {
      await run(process.execPath, [CLI, 'down', '--state-dir', stateDir]).catch(() => undefined)
      rmSync(stateDir, { recursive: true, force: true })
    }
  })

  it('CLI up --cluster starts five processes and down leaves none of them (nor any other) behind', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sei-testenv-cli-cluster-'))
    try {
      const up = await run(process.execPath, [
        CLI,
        'up',
        '--cluster',
        '--nodes',
        '2',
        '--state-dir',
        stateDir,
      ])
      expect(up.stdout).toMatch(/^export KUBECONFIG='.+'$/m)
      const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as {
        info: { nodeNames: string[] }
        processes: { name: string; pid: number }[]
      }
      expect(state.processes.map((p) => p.name)).toEqual([
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'kwok',
      ])
      expect(state.info.nodeNames).toEqual(['kwok-node-0', 'kwok-node-1'])
      const pids = state.processes.map((p) => p.pid)
      expect(pids.every(isPidAlive)).toBe(true)
      const status = await run(process.execPath, [CLI, 'status', '--state-dir', stateDir])
      expect(status.stdout).toMatch(/^kwok\tpid \d+\trunning$/m)
      expect(status.stdout).toMatch(/readyz\tok/)
      await run(process.execPath, [CLI, 'down', '--state-dir', stateDir])
      expect(pids.filter(isPidAlive)).toEqual([])
      expect(pidsMentioning(stateDir)).toEqual([])
      expect(existsSync(join(stateDir, 'state.json'))).toBe(false)
    } finally {
      await run(process.execPath, [CLI, 'down', '--state-dir', stateDir]).catch(() => undefined)
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
})
