import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '../errors.js'
import type { Clock } from '../runtime/clock.js'
import { loadApiAccess } from './access.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'access-'))
  dirs.push(dir)
  return dir
}

let now = 0
const clock = { now: () => now } as Clock

function kubeconfig(dir: string, user: object, cluster: object = {}, extra: object = {}): string {
  const path = join(dir, 'config')
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'sei' } }],
      'current-context': 'ctx',
      preferences: {},
      ...extra,
    }),
  )
  return path
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(hasCode(error, 'KUBE_CONFIG')).toBe(true)
  return (error as Error).message
}

describe('API access from a kubeconfig', () => {
  it('reads a token user: server without trailing slash, namespace, CA file relative to the kubeconfig', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'ca.pem'), 'CA')
    const path = kubeconfig(dir, { token: 'abc' }, { 'certificate-authority': 'ca.pem' })
    const access = await loadApiAccess({ kubeconfigPath: path, clock })
    expect(access.server).toBe('https://127.0.0.1:6443')
    expect(access.namespace).toBe('sei')
    expect(access.tls.ca?.toString()).toBe('CA')
    expect(await access.headers()).toEqual({ authorization: 'Bearer abc' })
  })

  it('reads client certificates inline or from files, basic auth, insecure-skip-tls-verify and tls-server-name', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'key.pem'), 'KEY')
    const path = kubeconfig(
      dir,
      {
        'client-certificate-data': Buffer.from('CERT').toString('base64'),
        'client-key': join(dir, 'key.pem'),
      },
      { 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes.default' },
    )
    const access = await loadApiAccess({ kubeconfigPath: path, clock })
    expect(access.tls.cert?.toString()).toBe('CERT')
    expect(access.tls.key?.toString()).toBe('KEY')
    expect(access.tls.rejectUnauthorized).toBe(false)
    expect(access.tls.servername).toBe('kubernetes.default')
    expect(await access.headers()).toEqual({})
    const basic = await loadApiAccess({
      kubeconfigPath: kubeconfig(tempDir(), { username: 'me', password: 'pw' }),
      clock,
    })
    expect(await basic.headers()).toEqual({
      authorization: `Basic ${Buffer.from('me:pw').toString('base64')}`,
    })
  })

  it('re-reads a tokenFile once a minute (a rotated token is picked up)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'token'), 'one\n')
    const access = await loadApiAccess({ kubeconfigPath: kubeconfig(dir, { tokenFile: 'token' }), clock })
    writeFileSync(join(dir, 'token'), 'two')
    now += 59_000
    expect(await access.headers()).toEqual({ authorization: 'Bearer one' })
    now += 1_000
    expect(await access.headers()).toEqual({ authorization: 'Bearer two' })
  })

  it('names the field or setting that is wrong, and refuses what it would otherwise ignore', async () => {
    const dir = tempDir()
    expect(await refusal(loadApiAccess({ kubeconfigPath: join(dir, 'missing'), clock }))).toMatch(
      /^loading kubeconfig .*missing: ENOENT/,
    )
    const noServer = kubeconfig(dir, { token: 't' }, { server: 'localhost:6443' })
    expect(await refusal(loadApiAccess({ kubeconfigPath: noServer, clock }))).toContain(
      'clusters[0].cluster.server',
    )
    const badContext = kubeconfig(dir, { token: 't' }, {}, { 'current-context': 'other' })
    expect(await refusal(loadApiAccess({ kubeconfigPath: badContext, clock }))).toContain(
      'current-context "other" is not in contexts',
    )
    const proxied = kubeconfig(dir, { token: 't' }, { 'proxy-url': 'http://proxy:3128' })
    expect(await refusal(loadApiAccess({ kubeconfigPath: proxied, clock }))).toContain(
      'cluster.proxy-url is not supported',
    )
    const impersonating = kubeconfig(dir, { token: 't', as: 'admin' })
    expect(await refusal(loadApiAccess({ kubeconfigPath: impersonating, clock }))).toContain(
      'user.as (impersonation) is not supported',
    )
    const halfCert = kubeconfig(dir, { 'client-certificate-data': 'Q0VSVA==' })
    expect(await refusal(loadApiAccess({ kubeconfigPath: halfCert, clock }))).toContain(
      'both a client certificate and a client key',
    )
  })
})

describe('API access in-cluster', () => {
  function serviceAccountDir(): string {
    const dir = join(tempDir(), 'serviceaccount')
    mkdirSync(dir)
    writeFileSync(join(dir, 'token'), 'sa-token\n')
    writeFileSync(join(dir, 'ca.crt'), 'CLUSTER-CA')
    writeFileSync(join(dir, 'namespace'), 'sei-system')
    return dir
  }

  it("uses the Service's environment, the pod's token (re-read each minute), CA and namespace", async () => {
    const dir = serviceAccountDir()
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }
    const access = await loadApiAccess({ inCluster: { dir, env }, clock })
    expect(access.server).toBe('https://10.96.0.1:443')
    expect(access.namespace).toBe('sei-system')
    expect(access.tls.ca?.toString()).toBe('CLUSTER-CA')
    expect(await access.headers()).toEqual({ authorization: 'Bearer sa-token' })
    writeFileSync(join(dir, 'token'), 'rotated')
    now += 60_000
    expect(await access.headers()).toEqual({ authorization: 'Bearer rotated' })
    const v6 = await loadApiAccess({
      inCluster: { dir, env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' } },
      clock,
    })
    expect(v6.server).toBe('https://[fd00::1]:443')
  })

  it('says what is missing outside a pod', async () => {
    expect(
      await refusal(loadApiAccess({ inCluster: { dir: serviceAccountDir(), env: {} }, clock })),
    ).toContain('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set')
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }
    expect(await refusal(loadApiAccess({ inCluster: { dir: tempDir(), env }, clock }))).toMatch(
      /in-cluster config .*ENOENT.*ca\.crt/,
    )
  })
})
