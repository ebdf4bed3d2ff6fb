/** `run` as a real process, without a cluster: usage errors, help, and a start failure. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
const MAIN = join(PACKAGE_DIR, 'dist', 'main.js')

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, 'run', ...args], { cwd: PACKAGE_DIR, encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('run (process)', () => {
  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--health-port=http'], '--health-port must be an integer from 0 to 65535, got "http"'],
    [['--leader-elect=maybe'], '--leader-elect must be true or false, got "maybe"'],
    [['--log-level=loud'], '--log-level must be one of'],
  ])('exits 2 on usage error %j', (args, message) => {
    const { code, stderr } = run(args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('prints its options with --help', () => {
    const { code, stdout } = run(['--help'])
    expect(code).toBe(0)
    for (const flag of [
      '--kubeconfig',
      '--namespace',
      '--config',
      '--concurrency',
      '--leader-elect',
      '--health-port',
      '--metrics-port',
    ]) {
      expect(stdout).toContain(flag)
    }
  })

  it('exits 1 naming the kubeconfig it cannot read', () => {
    const { code, stderr } = run([
      '--kubeconfig=/nonexistent/kubeconfig',
      '--health-port=0',
      '--metrics-port=0',
    ])
    expect(code).toBe(1)
    expect(stderr).toContain('/nonexistent/kubeconfig')
  })
})
