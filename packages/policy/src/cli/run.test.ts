import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { GENERATED_HEADER } from './out-dir.js'
import { runCli } from './run.js'

async function run(argv: readonly string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
  })
  return { code, stdout, stderr }
}

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sei-policy-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('sei-policy generate', () => {
  it('prints a YAML stream of five policies per namespace and exits 0', async () => {
    const { code, stdout, stderr } = await run(['generate', '-n', 'sei-a', '-n', 'sei-b'])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const docs = parseAllDocuments(stdout).map((doc) => doc.toJS())
    expect(docs).toHaveLength(10)
    expect(docs.every((doc) => doc.kind === 'NetworkPolicy')).toBe(true)
  })

  it('prints a JSON array with -o json', async () => {
    const { code, stdout } = await run(['generate', '-n', 'sei', '-o', 'json', '--flavor', 'cilium'])
    expect(code).toBe(0)
    const objects: unknown = JSON.parse(stdout)
    expect(objects).toHaveLength(5)
    expect(objects).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'CiliumNetworkPolicy' })]),
    )
  })

  it.each([
    [
      ['--node-cidr', '10.0.0.1/16'],
      '--node-cidr "10.0.0.1/16": has host bits set; did you mean 10.0.0.0/16?',
    ],
    [['--flavor', 'weave'], '--flavor "weave": must be one of vanilla, cilium, calico'],
    [['-n', 'Team_A'], '--namespace "Team_A": must be a DNS-1123 label'],
    [['--rpc-from', '10.0.0.0/33'], '--rpc-from "10.0.0.0/33": has an invalid prefix length "33" (0-32)'],
    [['--prometheus-label', 'app=not ok'], '--prometheus-label "app=not ok": label value must be'],
    [['--public-port', 'x9100'], '--public-port "x9100": expected integer'],
    [['--public-port', '7777'], '--public-port 7777: is the loopback tasks port, which is never allowed'],
  ])('exits 2 naming the flag and value for %j', async (flags, message) => {
    const { code, stdout, stderr } = await run(['generate', '-n', 'sei', ...flags])
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr).toContain(`error: ${message}`)
    expect(stderr).toContain("run 'sei-policy --help'")
  })

  it('prints help on stdout and exits 0', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('--node-cidr CIDR')
    expect(stdout).toContain('The sidecar task port 7777 is loopback-only and never allowed.')
  })

  it('writes one folder per namespace with a kustomization listing its policies', async () => {
    const dir = await tempDir()
    const { code, stderr } = await run(['generate', '-n', 'sei-b', '-n', 'sei-a', '--out-dir', dir])
    expect(code).toBe(0)
    expect(stderr).toBe(`wrote 10 policies for 2 namespace(s) to ${dir} (12 files)\n`)
    expect((await readdir(dir)).sort()).toEqual(['sei-a', 'sei-b'])
    const files = (await readdir(join(dir, 'sei-a'))).sort()
    expect(files).toEqual([
      'kustomization.yaml',
      'sei-node-p2p.yaml',
      'sei-node-proxy.yaml',
      'sei-node-public.yaml',
      'sei-node-rpc.yaml',
      'sei-node-seid-metrics.yaml',
    ])
    const kustomization = await readFile(join(dir, 'sei-a', 'kustomization.yaml'), 'utf8')
    expect(kustomization.startsWith(GENERATED_HEADER)).toBe(true)
    expect(parse(kustomization)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: files.filter((file) => file !== 'kustomization.yaml'),
    })
    const proxy = parse(await readFile(join(dir, 'sei-a', 'sei-node-proxy.yaml'), 'utf8'))
    expect(proxy).toMatchObject({
      kind: 'NetworkPolicy',
      metadata: { name: 'sei-node-proxy', namespace: 'sei-a' },
    })
  })

  it('removes its own stale files on regeneration but never a hand-written file', async () => {
    const dir = await tempDir()
    expect((await run(['generate', '-n', 'sei', '--out-dir', dir])).code).toBe(0)
    await writeFile(join(dir, 'sei', 'sei-node-old.yaml'), `${GENERATED_HEADER}kind: NetworkPolicy\n`)
    await writeFile(join(dir, 'sei', 'extra-allow.yaml'), 'kind: NetworkPolicy\n')
    expect((await run(['generate', '-n', 'sei', '--flavor', 'calico', '--out-dir', dir])).code).toBe(0)
    const files = (await readdir(join(dir, 'sei'))).sort()
    expect(files).toContain('extra-allow.yaml')
    expect(files).not.toContain('sei-node-old.yaml')
    const proxy = parse(await readFile(join(dir, 'sei', 'sei-node-proxy.yaml'), 'utf8'))
    expect(proxy).toMatchObject({ apiVersion: 'projectcalico.org/v3' })
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([])
  })

  it('exits 1 naming the path when the output folder cannot be written', async () => {
    const dir = await tempDir()
    const blocker = join(dir, 'file')
    await writeFile(blocker, '')
    const { code, stderr } = await run(['generate', '-n', 'sei', '--out-dir', blocker])
    expect(code).toBe(1)
    expect(stderr).toMatch(new RegExp(`^error: creating ${blocker}/sei: `))
  })
})
