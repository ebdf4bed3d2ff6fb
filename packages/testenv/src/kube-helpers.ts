import { randomBytes } from 'node:crypto'
import { TestenvError } from './errors.js'
import type { KubeHttp } from './kube-http.js'
import {
  type ApiResource,
  findResource,
  groupVersionPath,
  type KubeObject,
  objectPath,
} from './kube-object.js'
import { delay } from './process.js'
import { FIELD_MANAGER } from './versions.js'

export interface ApplyOptions {
  /** Server-side dry run: validated and defaulted by the apiserver, not stored. */
  readonly dryRun?: boolean
  readonly fieldManager?: string
}

/** KubeHelpers: the operations tests need most, against one apiserver with the admin identity. */
export interface KubeHelpers {
  /** Creates a namespace (default: a fresh random `testenv-xxxxxx` name) and returns its name. */
  createNamespace(name?: string): Promise<string>
  /** Creates the ServiceAccount if it is missing (409 is fine). */
  createServiceAccount(namespace: string, name: string): Promise<void>
  /** Mints a real, signed token for the ServiceAccount via the TokenRequest API (creating the SA). */
  createServiceAccountToken(
    namespace: string,
    name: string,
    options?: { expirationSeconds?: number },
  ): Promise<string>
  /** Server-side applies each object in order (force, one field manager) and returns what the server stored. */
  applyManifest(objects: readonly KubeObject[], options?: ApplyOptions): Promise<KubeObject[]>
  /** Waits until a CRD reports Established=True. */
  waitForCrd(name: string, timeoutMs?: number): Promise<void>
}

/** createKubeHelpers binds the helpers to one admin client; resource discovery is cached per client. */
export function createKubeHelpers(kube: KubeHttp): KubeHelpers {
  const discovery = new Map<string, unknown>()

  async function resolve(apiVersion: string, kind: string): Promise<ApiResource> {
    for (const fresh of [false, true]) {
      if (fresh || !discovery.has(apiVersion)) {
        const res = await kube.request('GET', groupVersionPath(apiVersion))
        discovery.set(apiVersion, res.status === 200 ? res.body : undefined)
      }
      const found = findResource(discovery.get(apiVersion), kind)
      if (found) return found
    }
    throw new TestenvError('invalidInput', `the apiserver serves no ${kind} in ${apiVersion}`)
  }

  const createServiceAccount = async (namespace: string, name: string): Promise<void> => {
    const res = await kube.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
    })
    if (res.status !== 201 && res.status !== 409) {
      throw new TestenvError(
        'apiRequest',
        `creating ServiceAccount ${namespace}/${name}: ${res.status} ${res.text}`,
      )
    }
  }

  return {
    async createNamespace(name) {
      const ns = name ?? `testenv-${randomBytes(4).toString('hex')}`
      await kube.expectOk('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      })
      return ns
    },
    createServiceAccount,
    async createServiceAccountToken(namespace, name, options = {}) {
      await createServiceAccount(namespace, name)
      const res = await kube.expectOk(
        'POST',
        `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { expirationSeconds: options.expirationSeconds ?? 3600 },
          },
        },
      )
      const token = (res.body as { status?: { token?: unknown } } | undefined)?.status?.token
      if (typeof token !== 'string') throw new TestenvError('apiRequest', 'TokenRequest returned no token')
      return token
    },
    async applyManifest(objects, options = {}) {
      const applied: KubeObject[] = []
      for (const object of objects) {
        const resource = await resolve(object.apiVersion, object.kind)
        const path = objectPath(object.apiVersion, resource, object.metadata.name, object.metadata.namespace)
        const query: Record<string, string> = {
          fieldManager: options.fieldManager ?? FIELD_MANAGER,
          force: 'true',
        }
        if (options.dryRun) query['dryRun'] = 'All'
        const res = await kube.request('PATCH', path, {
          body: object,
          contentType: 'application/apply-patch+yaml',
          query,
        })
        if (res.status < 200 || res.status >= 300) {
          throw new TestenvError(
            'apiRequest',
            `applying ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}: ${res.status} ${res.text.slice(0, 800)}`,
            { status: res.status },
          )
        }
        applied.push(res.body as KubeObject)
      }
      return applied
    },
    async waitForCrd(name, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const res = await kube.request(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        )
        if (res.status === 200 && isEstablished(res.body)) return
        await delay(100)
      }
      throw new TestenvError('notReady', `CRD ${name} not Established after ${timeoutMs} ms`)
    },
  }
}

function isEstablished(crd: unknown): boolean {
  const conditions = (crd as { status?: { conditions?: unknown } } | undefined)?.status?.conditions
  if (!Array.isArray(conditions)) return false
  return conditions.some((c: unknown) => {
    const cond = c as { type?: unknown; status?: unknown }
    return cond.type === 'Established' && cond.status === 'True'
  })
}
