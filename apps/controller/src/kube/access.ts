/**
 * Where the API server is, how to trust it and who we are: the ONLY place that reads a kubeconfig or the
 * in-cluster ServiceAccount files.
 *
 * Read here, without @kubernetes/client-node, for what a controller meets in practice: in-cluster (token
 * re-read every minute, as client-go does, since the kubelet rotates it), and kubeconfig users with a
 * client certificate, a token, a token file or basic auth, from files (relative to the kubeconfig's
 * directory, as kubectl resolves them) or inline `-data`. Importing client-node costs about 68 MiB of
 * RSS (it loads every generated API model), a third of the controller's budget, so its KubeConfig is
 * imported only for a user that runs an exec plugin or an auth-provider (cloud logins such as
 * `aws eks get-token`), which it knows how to run and refresh.
 */
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { IN_CLUSTER } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'
import { parse as parseYaml } from 'yaml'
import { formatFieldError, validateAgainst } from '../api/validate.js'
import { ControllerError, ERROR_CODES } from '../errors.js'
import type { Clock } from '../runtime/clock.js'

interface TlsOptions {
  readonly ca?: Buffer
  readonly cert?: Buffer
  readonly key?: Buffer
  readonly rejectUnauthorized?: boolean
  readonly servername?: string
}

export interface ApiAccess {
  /** Base URL without a trailing slash. */
  readonly server: string
  /** The default namespace of the kubeconfig context (in-cluster: the pod's namespace). */
  readonly namespace: string | undefined
  readonly tls: TlsOptions
  /** Auth headers for the next request (a token file re-read, a plugin's credential refreshed, when due). */
  headers(): Promise<Record<string, string>>
}

/** Where the in-cluster files and environment are (the defaults are the kubelet's). */
export interface InClusterSource {
  readonly dir: string
  readonly env: Readonly<Record<string, string | undefined>>
}

const KUBELET_MOUNTED: InClusterSource = { dir: IN_CLUSTER.serviceAccountDir, env: process.env }

/** client-go re-reads token files (in-cluster and `tokenFile`) once a minute; plugins are asked as often. */
const TOKEN_REREAD_MS = 60_000

const ClusterSchema = Type.Object({
  server: Type.String({ pattern: '^https?://' }),
  'certificate-authority': Type.Optional(Type.String()),
  'certificate-authority-data': Type.Optional(Type.String()),
  'insecure-skip-tls-verify': Type.Optional(Type.Boolean()),
  'tls-server-name': Type.Optional(Type.String()),
  'proxy-url': Type.Optional(Type.String()),
})

const UserSchema = Type.Object({
  'client-certificate': Type.Optional(Type.String()),
  'client-certificate-data': Type.Optional(Type.String()),
  'client-key': Type.Optional(Type.String()),
  'client-key-data': Type.Optional(Type.String()),
  token: Type.Optional(Type.String()),
  tokenFile: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  exec: Type.Optional(Type.Unknown()),
  'auth-provider': Type.Optional(Type.Unknown()),
  as: Type.Optional(Type.String()),
  'as-uid': Type.Optional(Type.String()),
  'as-groups': Type.Optional(Type.Unknown()),
  'as-user-extra': Type.Optional(Type.Unknown()),
})

/** The parts of a kubeconfig read here; other fields (extensions, preferences) pass. */
const Name = Type.String({ minLength: 1 })
const ContextSchema = Type.Object({
  cluster: Type.String(),
  user: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
})
const KubeconfigSchema = Type.Object({
  clusters: Type.Array(Type.Object({ name: Name, cluster: ClusterSchema })),
  users: Type.Optional(Type.Union([Type.Array(Type.Object({ name: Name, user: UserSchema })), Type.Null()])),
  contexts: Type.Array(Type.Object({ name: Name, context: ContextSchema })),
  'current-context': Type.String({ minLength: 1 }),
})
type Kubeconfig = Static<typeof KubeconfigSchema>
type User = Static<typeof UserSchema>

function configError(source: string, reason: string, cause?: unknown): ControllerError {
  return new ControllerError(ERROR_CODES.KUBE_CONFIG, `loading ${source}: ${reason}`, { cause })
}

/** Auth headers from `load`, asked again once they are TOKEN_REREAD_MS old. */
function refreshed(
  clock: Clock,
  load: () => Promise<Record<string, string>>,
): () => Promise<Record<string, string>> {
  let cached: { value: Record<string, string>; at: number } | undefined
  return async () => {
    if (cached === undefined || clock.now() - cached.at >= TOKEN_REREAD_MS) {
      cached = { value: await load(), at: clock.now() }
    }
    return cached.value
  }
}

/** A token file's bearer header, re-read once a minute. */
function tokenFileHeaders(path: string, clock: Clock): () => Promise<Record<string, string>> {
  return refreshed(clock, async () => {
    const token = (await readFile(path, 'utf8')).trim()
    if (token === '') throw new Error(`token file ${path} is empty`)
    return { authorization: `Bearer ${token}` }
  })
}

/** The in-cluster access: the API server's Service from the environment, the pod's ServiceAccount. */
async function inCluster(source: InClusterSource, clock: Clock): Promise<ApiAccess> {
  const what = 'in-cluster config (no --kubeconfig given)'
  const host = source.env[IN_CLUSTER.env.host]
  const port = source.env[IN_CLUSTER.env.port]
  if (!host || !port) {
    throw configError(
      what,
      `${IN_CLUSTER.env.host} and ${IN_CLUSTER.env.port} must be set (they are inside a pod); outside a cluster pass --kubeconfig`,
    )
  }
  const tokenPath = join(source.dir, IN_CLUSTER.files.token)
  const headers = tokenFileHeaders(tokenPath, clock)
  let ca: Buffer
  try {
    ca = await readFile(join(source.dir, IN_CLUSTER.files.ca))
    await headers()
  } catch (error) {
    throw configError(what, (error as Error).message, error)
  }
  const namespace = await readFile(join(source.dir, IN_CLUSTER.files.namespace), 'utf8').then(
    (text) => text.trim() || undefined,
    () => undefined,
  )
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    namespace,
    tls: { ca },
    headers,
  }
}

/** Refusals for settings this reader would otherwise silently ignore. */
function unsupported(user: User, cluster: Static<typeof ClusterSchema>): string | undefined {
  if (cluster['proxy-url'] !== undefined) return 'cluster.proxy-url is not supported'
  const impersonation = (['as', 'as-uid', 'as-groups', 'as-user-extra'] as const).find(
    (k) => user[k] !== undefined,
  )
  if (impersonation !== undefined) return `user.${impersonation} (impersonation) is not supported`
  return undefined
}

async function fileOrData(
  base: string,
  path: string | undefined,
  data: string | undefined,
): Promise<Buffer | undefined> {
  if (data !== undefined) return Buffer.from(data, 'base64')
  if (path === undefined) return undefined
  return readFile(isAbsolute(path) ? path : join(base, path))
}

function pick(config: Kubeconfig): {
  cluster: Static<typeof ClusterSchema>
  user: User
  namespace: string | undefined
} {
  const name = config['current-context']
  const context = config.contexts.find((c) => c.name === name)?.context
  if (context === undefined) throw new Error(`current-context "${name}" is not in contexts`)
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster
  if (cluster === undefined)
    throw new Error(`cluster "${context.cluster}" of context "${name}" is not in clusters`)
  const users = config.users ?? []
  const user = context.user === undefined ? {} : users.find((u) => u.name === context.user)?.user
  if (user === undefined) throw new Error(`user "${context.user}" of context "${name}" is not in users`)
  return { cluster, user, namespace: context.namespace }
}

/** A user that needs client-node's KubeConfig (exec plugin, auth-provider), loaded only then. */
async function viaClientNode(path: string, clock: Clock): Promise<ApiAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node')
  const kc = new KubeConfig()
  kc.loadFromFile(path)
  const first: import('node:https').RequestOptions = {}
  await kc.applyToHTTPSOptions(first)
  const cluster = kc.getCurrentCluster()
  if (cluster === null) throw new Error('no current cluster')
  // The plugin's credential may expire: ask again once a minute (client-node caches until expiry).
  const headers = refreshed(clock, async () => {
    const fresh: import('node:https').RequestOptions = {}
    await kc.applyToHTTPSOptions(fresh)
    return { ...(fresh.headers as Record<string, string> | undefined) }
  })
  await headers()
  return {
    server: cluster.server.replace(/\/+$/, ''),
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
    tls: {
      ...(first.ca === undefined ? {} : { ca: Buffer.from(first.ca as string | Buffer) }),
      ...(first.cert === undefined ? {} : { cert: Buffer.from(first.cert as string | Buffer) }),
      ...(first.key === undefined ? {} : { key: Buffer.from(first.key as string | Buffer) }),
      ...(first.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: first.rejectUnauthorized }),
    },
    headers,
  }
}

async function fromKubeconfig(path: string, clock: Clock): Promise<ApiAccess> {
  const what = `kubeconfig ${path}`
  let config: Kubeconfig
  try {
    const parsed: unknown = parseYaml(await readFile(path, 'utf8'))
    const errors = validateAgainst(KubeconfigSchema, parsed)
    if (errors.length > 0) throw new Error(errors.map(formatFieldError).join('; '))
    config = parsed as Kubeconfig
  } catch (error) {
    throw configError(what, (error as Error).message, error)
  }
  try {
    const { cluster, user, namespace } = pick(config)
    const refused = unsupported(user, cluster)
    if (refused !== undefined) throw new Error(refused)
    if (user.exec !== undefined || user['auth-provider'] !== undefined)
      return await viaClientNode(path, clock)
    const base = dirname(path)
    const ca = await fileOrData(base, cluster['certificate-authority'], cluster['certificate-authority-data'])
    const cert = await fileOrData(base, user['client-certificate'], user['client-certificate-data'])
    const key = await fileOrData(base, user['client-key'], user['client-key-data'])
    if ((cert === undefined) !== (key === undefined))
      throw new Error('user needs both a client certificate and a client key, or neither')
    const tls: TlsOptions = {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(cluster['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
      ...(cluster['tls-server-name'] === undefined ? {} : { servername: cluster['tls-server-name'] }),
    }
    let headers: () => Promise<Record<string, string>>
    if (user.token !== undefined) {
      const fixed = { authorization: `Bearer ${user.token}` }
      headers = async () => fixed
    } else if (user.tokenFile !== undefined) {
      headers = tokenFileHeaders(
        isAbsolute(user.tokenFile) ? user.tokenFile : join(base, user.tokenFile),
        clock,
      )
      await headers()
    } else if (user.username !== undefined) {
      const basic = {
        authorization: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`,
      }
      headers = async () => basic
    } else {
      headers = async () => ({})
    }
    return { server: cluster.server.replace(/\/+$/, ''), namespace, tls, headers }
  } catch (error) {
    if (error instanceof ControllerError) throw error
    throw configError(what, (error as Error).message, error)
  }
}

/** The access of `--kubeconfig`, or in-cluster when none is given. Errors name the source and field. */
export async function loadApiAccess(options: {
  readonly kubeconfigPath?: string | undefined
  readonly inCluster?: InClusterSource
  readonly clock: Clock
}): Promise<ApiAccess> {
  if (options.kubeconfigPath === undefined)
    return inCluster(options.inCluster ?? KUBELET_MOUNTED, options.clock)
  return fromKubeconfig(options.kubeconfigPath, options.clock)
}
