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
import { NOT_READY_ANNOTATION } from './kwok.js'
import { delay } from './process.js'
import { FIELD_MANAGER } from './versions.js'
import { describeForTimeout, type KindRef, type ObjectPredicate, resolveKind } from './wait-for.js'

export interface ApplyOptions {
  /** Server-side dry run: validated and defaulted by the apiserver, not stored. */
  readonly dryRun?: boolean
  readonly fieldManager?: string
}

/** KubeHelpers: the operations tests need most, against one apiserver with the admin identity. */
export interface KubeHelpers {
  /**
   * Creates a namespace (default: a fresh random `testenv-xxxxxx` name) and returns its name. In
   * cluster mode it returns once the ServiceAccount controller has created `default` in it, so a
   * Pod created right after is admitted.
   */
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
  /**
   * Polls one object until `predicate` holds and returns what matched (`undefined` when the
   * predicate accepted its absence). `namespace` is undefined for cluster-scoped kinds. Throws
   * TESTENV_NOT_READY after `timeoutMs` (default 30 s) quoting the last status seen.
   */
  waitFor(
    kind: KindRef,
    namespace: string | undefined,
    name: string,
    predicate: ObjectPredicate,
    timeoutMs?: number,
  ): Promise<KubeObject | undefined>
  /**
   * Cluster mode: switches a Running Pod's readiness (kwok stages, via the
   * `testenv.sei.io/not-ready` annotation). `false` makes it not Ready, `true` Ready again; wait
   * for the effect with waitFor.
   */
  setPodReady(namespace: string, name: string, ready: boolean): Promise<void>
}

export interface KubeHelpersOptions {
  /** Controllers run (cluster mode): createNamespace waits for the `default` ServiceAccount. */
  readonly cluster?: boolean
}

/** createKubeHelpers binds the helpers to one admin client; resource discovery is cached per client. */
export function createKubeHelpers(kube: KubeHttp, options: KubeHelpersOptions = {}): KubeHelpers {
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
      if (options.cluster) await waitFor('ServiceAccount', ns, 'default', (sa) => sa !== undefined)
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
    waitFor,
    async setPodReady(namespace, name, ready) {
      await kube.expectOk('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}`, {
        body: { metadata: { annotations: { [NOT_READY_ANNOTATION]: ready ? null : 'true' } } },
        contentType: 'application/merge-patch+json',
      })
    },
  }

  async function waitFor(
    kind: KindRef,
    namespace: string | undefined,
    name: string,
    predicate: ObjectPredicate,
    timeoutMs = 30_000,
  ): Promise<KubeObject | undefined> {
    const { apiVersion, kind: kindName } = resolveKind(kind)
    const path = objectPath(apiVersion, await resolve(apiVersion, kindName), name, namespace)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const res = await kube.request('GET', path)
      if (res.status !== 200 && res.status !== 404) {
        throw new TestenvError('apiRequest', `GET ${path}: ${res.status} ${res.text.slice(0, 300)}`, {
          status: res.status,
        })
      }
      const object = res.status === 200 ? (res.body as KubeObject) : undefined
      if (predicate(object)) return object
      if (Date.now() > deadline) {
        const where = namespace ? `${namespace}/${name}` : name
        throw new TestenvError(
          'notReady',
          `${kindName} ${where} did not match within ${timeoutMs} ms; last seen: ${describeForTimeout(object)}`,
        )
      }
      await delay(100)
    }
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
