/**
 * `npm run demo`'s program (dist/demo.js, built by turbo before this task) as a user runs it: to the end,
 * and interrupted with Ctrl-C (SIGINT to its whole process group, as a terminal sends it). Either way every
 * process it reports is gone afterwards. It starts a cluster-mode plane of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@sei-k8s/testenv'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../src/http.js'

const DEMO = fileURLToPath(new URL('../dist/demo.js', import.meta.url))

interface DemoRun {
  readonly child: ChildProcess
  output(): string
  exit: Promise<number | null>
}

function startDemo(): DemoRun {
  // Own process group, so the test can signal the group like a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [DEMO], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exit }
}

/** The PIDs of the demo's closing "stopped N processes (pids …)" line. */
function stoppedPids(output: string): number[] {
  const line = /stopped (\d+) processes \(pids ([\d ]+)\)/.exec(output)
  if (!line?.[2]) throw new Error(`no "stopped … processes" line in:\n${output}`)
  const pids = line[2].trim().split(' ').map(Number)
  expect(pids).toHaveLength(Number(line[1]))
  return pids
}

describe('npm run demo', () => {
  it('runs every step, narrates them and stops every process it started', { timeout: 120_000 }, async () => {
    const demo = startDemo()
    const started = Date.now()
    expect(await demo.exit, demo.output()).toBe(0)
    process.stderr.write(`demo run to the end: ${Date.now() - started} ms\n`)
    const output = demo.output()
    for (let step = 1; step <= 9; step++) expect(output).toContain(`[${step}/9]`)
    expect(output).toMatch(/pacific-1-rpc-0 {2}mark-ready {8}completed/)
    expect(output).toMatch(/→ 200 \{"status":"Ready"\}/)
    expect(output).toMatch(/\(no binding\) → 403/)
    expect(output).toMatch(/without a token.* → 401/)
    expect(output).toMatch(
      /sei\/pacific-1-rpc-0: phase Running, Ready=True, SidecarReady=True, nodeId [0-9a-f]{40}/,
    )
    expect(output).toContain('allowed from nobody (loopback only)')
    const pids = stoppedPids(output)
    expect(pids.length).toBeGreaterThanOrEqual(10)
    for (const pid of pids) expect(isPidAlive(pid), `pid ${pid}`).toBe(false)
  })

  it('stops every process on Ctrl-C in the middle of a run', { timeout: 120_000 }, async () => {
    const demo = startDemo()
    await waitFor(
      'the demo to reach its node Pods',
      async () => (demo.output().includes('[5/9]') ? true : undefined),
      60_000,
    )
    const pid = demo.child.pid ?? 0
    process.kill(-pid, 'SIGINT')
    const interrupted = Date.now()
    expect(await demo.exit).toBe(130)
    process.stderr.write(`demo stopped ${Date.now() - interrupted} ms after Ctrl-C\n`)
    expect(demo.output()).toContain('SIGINT: stopping everything')
    expect(demo.output()).not.toContain('demo failed')
    for (const p of stoppedPids(demo.output())) expect(isPidAlive(p), `pid ${p}`).toBe(false)
    // Nothing else of its process group survives either (the sidecar and proxy it was starting got the
    // same SIGINT from the "terminal" and drain on their own).
    await waitFor(
      'every process of the demo group to exit',
      async () => {
        try {
          process.kill(-pid, 0)
          return undefined
        } catch {
          return true
        }
      },
      15_000,
    )
  })
})
