/** The CLI as a real process: `node dist/main.js …` (dist is built by test/global-setup.ts). */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { manifestFiles } from './manifests/index.js'
import { DEFAULT_PLATFORM, loadPlatformConfig } from './platform.js'

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
const MAIN = join(PACKAGE_DIR, 'dist', 'main.js')
const tmp = mkdtempSync(join(tmpdir(), 'sei-controller-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd: PACKAGE_DIR, input, encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function kinds(yamlText: string): string[] {
  return parseAllDocuments(yamlText).map((d) => {
    const o = d.toJS() as { kind: string; metadata: { name: string } }
    return `${o.kind}/${o.metadata.name}`
  })
}

const INVALID = `apiVersion: sei.io/v1alpha1
kind: SeiNode
metadata: {name: bad-node}
spec:
  chainId: Not_A_Label
  fullNode: {}
  validator: {}
  sidecar: {port: 70000, publicPort: 9100}
`

describe('render (process)', () => {
  it('prints the YAML stream of a valid SeiNode and exits 0', () => {
    const { code, stdout, stderr } = run(['render', '-f', 'examples/full-node.yaml'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(kinds(stdout)).toEqual([
      'ConfigMap/pacific-1-rpc-0-rbac-proxy-config',
      'Service/pacific-1-rpc-0',
      'StatefulSet/pacific-1-rpc-0',
    ])
  })

  it('prints a JSON array with -o json', () => {
    const { code, stdout } = run(['render', '-f', 'examples/seed.yaml', '-o', 'json'])
    expect(code).toBe(0)
    const objects = JSON.parse(stdout) as { kind: string }[]
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Service', 'StatefulSet'])
  })

  it('reads stdin with -f -', () => {
    const input = ['full-node', 'seed'].map((f) =>
      readFileSync(join(PACKAGE_DIR, 'examples', `${f}.yaml`), 'utf8'),
    )
    const { code, stdout } = run(['render', '-f', '-'], input.join('---\n'))
    expect(code).toBe(0)
    expect(kinds(stdout)).toHaveLength(6)
  })

  it('applies --config over the defaults', () => {
    const { code, stdout } = run([
      'render',
      '-f',
      'examples/full-node.yaml',
      '--config',
      'examples/platform.yaml',
    ])
    expect(code).toBe(0)
    expect(stdout).toContain('image: registry.example.com/sei/sei-k8s-sidecar:v0.1.0')
    expect(stdout).toContain('storage: 3Ti')
    expect(stdout).toContain('storageClassName: fast-ssd')
  })

  it('exits 1 on invalid input and names every bad field on stderr', () => {
    const { code, stdout, stderr } = run(['render', '-f', '-'], INVALID)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    for (const field of [
      'spec.image: required',
      'spec.chainId: must be a DNS-1123 label',
      'spec.sidecar.port: expected integer',
      'spec: exactly one of',
    ]) {
      expect(stderr).toContain(field)
    }
    expect(stderr).toContain('INVALID_SEINODE')
  })

  it('exits 1 naming the field of an invalid platform config', () => {
    const config = join(tmp, 'bad-platform.yaml')
    writeFileSync(config, 'nodeServiceAccount: Not Valid\n')
    const { code, stderr } = run(['render', '-f', 'examples/seed.yaml', '--config', config])
    expect(code).toBe(1)
    expect(stderr).toContain('nodeServiceAccount: must be a DNS-1123 label')
  })

  it('exits 1 when the file cannot be read', () => {
    const { code, stderr } = run(['render', '-f', 'no-such-file.yaml'])
    expect(code).toBe(1)
    expect(stderr).toContain('reading no-such-file.yaml')
  })

  it.each([
    [['render'], '-f/--filename is required'],
    [['render', '-f', 'examples/seed.yaml', '-o', 'xml'], 'must be yaml or json, got "xml"'],
    [['render', '-f', 'examples/seed.yaml', '--bogus'], "Unknown option '--bogus'"],
    [['render', 'extra-positional', '-f', 'x'], 'Unexpected argument'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [[], 'missing command'],
  ])('exits 2 on usage error %j', (args, message) => {
    const { code, stderr } = run(args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(stderr).toContain('--help')
  })

  it('prints help with --help and exits 0', () => {
    for (const args of [['--help'], ['render', '--help']]) {
      const { code, stdout } = run(args)
      expect(code).toBe(0)
      expect(stdout).toContain('Usage: sei-controller')
      expect(stdout).toContain('-o, --output <yaml|json>')
      expect(stdout).toContain('quay.io/brancz/kube-rbac-proxy:v0.22.1')
    }
  })
})

describe('manifests (process)', () => {
  it('writes exactly the generated files', () => {
    const out = join(tmp, 'config')
    const { code } = run(['manifests', '--out-dir', out, '--node-namespace', 'sei'])
    expect(code).toBe(0)
    const expected = manifestFiles({ image: '', nodeNamespaces: ['sei'] })
    const binding = parse(readFileSync(join(out, 'rbac/rbac-proxy-role-binding.yaml'), 'utf8')) as {
      subjects: { namespace: string }[]
    }
    expect(binding.subjects.map((s) => s.namespace)).toEqual(['sei'])
    expect(readFileSync(join(out, 'crd/seinodes.sei.io.yaml'), 'utf8')).toBe(
      expected.get('crd/seinodes.sei.io.yaml'),
    )
  })

  it('ships --image in the Deployment and --sidecar-image in a platform config passed to run --config', () => {
    const out = join(tmp, 'release-config')
    const image = 'localhost/sei-k8s/controller:v9.9.9'
    const sidecar = 'localhost/sei-k8s/sidecar:v9.9.9'
    const { code } = run(['manifests', '--out-dir', out, '--image', image, '--sidecar-image', sidecar])
    expect(code).toBe(0)
    const deployment = parse(readFileSync(join(out, 'manager/deployment.yaml'), 'utf8')) as {
      spec: { template: { spec: { containers: { image: string; args: string[] }[] } } }
    }
    const [manager] = deployment.spec.template.spec.containers
    expect(manager?.image).toBe(image)
    expect(manager?.args).toContain('--config=/etc/sei-k8s-controller/platform.yaml')
    const configMap = parse(readFileSync(join(out, 'manager/platform-config.yaml'), 'utf8')) as {
      data: Record<string, string>
    }
    const platform = loadPlatformConfig(parse(configMap.data['platform.yaml'] ?? ''))
    expect(platform.ok && platform.value.images).toEqual({
      sidecar,
      rbacProxy: DEFAULT_PLATFORM.images.rbacProxy,
    })
    expect(kinds(readFileSync(join(out, 'install.yaml'), 'utf8')).slice(0, 4)).toEqual([
      'CustomResourceDefinition/seinodes.sei.io',
      'Namespace/sei-k8s-controller-system',
      'ServiceAccount/sei-k8s-controller-manager',
      'ConfigMap/sei-k8s-controller-platform',
    ])
  })

  it('rejects an image reference with whitespace as a usage error', () => {
    const { code, stderr } = run(['manifests', '--out-dir', join(tmp, 'x'), '--sidecar-image', 'a b'])
    expect(code).toBe(2)
    expect(stderr).toContain('--sidecar-image must be an image reference, got "a b"')
  })
})
