/**
 * The ways `run` reaches the API server, against the real kube-apiserver: in-cluster (the Service's
 * environment and a ServiceAccount directory as the kubelet mounts it) and a kubeconfig whose user runs
 * an exec credential plugin (handed to client-node's KubeConfig). Token and CA kubeconfigs are what every
 * other integration test uses.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openConnection } from '../../src/kube/connection.js'
import { connectPlane } from './helpers.js'

const plane = connectPlane()
const dir = mkdtempSync(join(tmpdir(), 'access-int-'))

afterAll(() => {
  plane.kube.close()
  rmSync(dir, { recursive: true, force: true })
})

async function namespaceNames(connection: Awaited<ReturnType<typeof openConnection>>): Promise<string[]> {
  try {
    const list = await connection.request<{ items: { metadata: { name: string } }[] }>({
      method: 'GET',
      path: '/api/v1/namespaces',
      context: 'listing namespaces',
    })
    return list.items.map((n) => n.metadata.name)
  } finally {
    connection.close()
  }
}

describe('API access', () => {
  it('in-cluster: KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and namespace', async () => {
    const sa = join(dir, 'serviceaccount')
    mkdirSync(sa)
    writeFileSync(join(sa, 'token'), plane.adminToken)
    writeFileSync(join(sa, 'ca.crt'), readFileSync(plane.caFile))
    writeFileSync(join(sa, 'namespace'), 'sei-system')
    const url = new URL(plane.apiUrl)
    const connection = await openConnection({
      inCluster: {
        dir: sa,
        env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
      },
    })
    expect(connection.namespace).toBe('sei-system')
    expect(await namespaceNames(connection)).toContain('kube-system')
  })

  it('a kubeconfig user with an exec credential plugin', async () => {
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: plane.adminToken },
    })
    const path = join(dir, 'exec-kubeconfig')
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: plane.apiUrl, 'certificate-authority': plane.caFile } }],
        users: [
          {
            name: 'u',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: process.execPath,
                args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'ctx',
      }),
    )
    expect(await namespaceNames(await openConnection({ kubeconfigPath: path }))).toContain('kube-system')
  })
})
