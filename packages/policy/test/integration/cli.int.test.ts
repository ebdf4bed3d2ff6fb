// The built CLI as a platform engineer runs it: a separate process, real argv, real exit codes.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

const scratch = mkdtemp(join(tmpdir(), 'sei-policy-int-'))
afterAll(async () => rm(await scratch, { recursive: true, force: true }))

const CONFIGURED = [
  'generate',
  '-n',
  'sei-b',
  '-n',
  'sei-a',
  '--node-cidr',
  '10.0.0.0/16',
  '--rpc-from',
  'indexer',
]

describe('node dist/cli.js', () => {
  it('prints byte-identical YAML for the same options in separate runs', async () => {
    const first = await cli(CONFIGURED)
    const second = await cli(CONFIGURED)
    expect(first.code).toBe(0)
    expect(first.stdout.length).toBeGreaterThan(1000)
    expect(second.stdout).toBe(first.stdout)
  })

  it('writes byte-identical --out-dir trees in separate runs', async () => {
    const dir = await scratch
    const one = join(dir, 'one')
    const two = join(dir, 'two')
    expect((await cli([...CONFIGURED, '--out-dir', one])).code).toBe(0)
    expect((await cli([...CONFIGURED, '--out-dir', two])).code).toBe(0)
    for (const file of ['sei-a/sei-node-proxy.yaml', 'sei-b/kustomization.yaml']) {
      expect(await readFile(join(two, file), 'utf8')).toBe(await readFile(join(one, file), 'utf8'))
    }
  })

  it('exits 2 naming the option and value for an invalid CIDR, flavor or namespace', async () => {
    const result = await cli(['generate', '-n', 'Bad_NS', '--node-cidr', '10.0.0.0/33', '--flavor', 'weave'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('error: --flavor "weave": must be one of vanilla, cilium, calico')
    expect(result.stderr).toContain('error: --namespace "Bad_NS": must be a DNS-1123 label')
    expect(result.stderr).toContain('error: --node-cidr "10.0.0.0/33": has an invalid prefix length "33"')
  })

  it('exits 2 on an unknown flag and 0 with --help', async () => {
    expect((await cli(['generate', '-n', 'a', '--nope'])).code).toBe(2)
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage:')
  })
})
