/**
 * The sidecar's task API as the controller calls it: through the node's kube-rbac-proxy, with the
 * controller's ServiceAccount token as `Authorization: Bearer`. Every call has its own deadline (contract
 * SIDECAR_CLIENT.timeoutsMs) and ends in a typed result or a SidecarCallError whose `kind` says what went
 * wrong (no response, 401, 403 with the proxy's reason text, a sidecar 4xx with its `code`, a 5xx). A 401
 * re-reads the token file and retries once (the kubelet may just have rotated it).
 */
import { SIDECAR_CLIENT, type SidecarOperation, TASK_API_PATHS, taskPath } from '@sei-k8s/contract'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { SidecarAddressing } from './address.js'
import type { TaskView } from './plan.js'
import type { TokenSource } from './token.js'

export type SidecarErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'no_token'
  | 'unauthorized'
  | 'forbidden'
  | 'rejected'
  | 'server'
  | 'invalid_response'
  | 'bad_address'

/** A failed sidecar call. `status` is the HTTP status when a response arrived; `code` the sidecar's error code. */
export class SidecarCallError extends Error {
  override readonly name = 'SidecarCallError'
  constructor(
    readonly kind: SidecarErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface NodeRef {
  readonly namespace: string
  readonly name: string
}

export interface SubmitRequest {
  readonly id: string
  readonly type: string
  readonly params: Readonly<Record<string, unknown>>
}

export interface SidecarClient {
  /** `GET /v0/status`: the sidecar's readiness flag. */
  status(node: NodeRef): Promise<'Ready' | 'Initializing'>
  /** GET `TASK_API_PATHS.nodeId`. */
  nodeId(node: NodeRef): Promise<string>
  /** POST `TASK_API_PATHS.tasks` with a deterministic id (a repeat is a no-op on the sidecar). */
  submit(node: NodeRef, task: SubmitRequest): Promise<void>
  /** GET `TASK_API_PATHS.task`; undefined when the sidecar does not know the id (404 TASK_NOT_FOUND). */
  getTask(node: NodeRef, id: string): Promise<TaskView | undefined>
}

export interface SidecarClientDeps {
  readonly addressing: SidecarAddressing
  readonly token: TokenSource
  /** Called once per HTTP attempt with the response status (or a SIDECAR_NO_RESPONSE_CODES value). */
  readonly observe?: (operation: SidecarOperation, code: string, seconds: number) => void
  readonly timeoutsMs?: Partial<Record<keyof typeof SIDECAR_CLIENT.timeoutsMs, number>>
}

/** JSON with bigint values written as plain integers (int64 overrides reach app.toml exactly). */
export function encodeJson(value: unknown): string {
  const marker = '\u0000bigint:'
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${marker}${v}` : v)).replace(
    /"\\u0000bigint:(-?\d+)"/g,
    '$1',
  )
}

/** The sidecar's answers, validated at the edge (unknown fields pass: a newer sidecar may add some). */
const StatusAnswer = Type.Object({
  status: Type.Union([Type.Literal('Ready'), Type.Literal('Initializing')]),
})
const NodeIdAnswer = Type.Object({ nodeId: Type.String({ minLength: 1 }) })
const TaskAnswer = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  run: Type.Integer({ minimum: 1 }),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.String()),
  completedAt: Type.Optional(Type.String()),
})

interface Reply {
  readonly status: number
  readonly text: string
}

function errorBody(text: string): { error?: string; code?: string } {
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body === 'object' && body !== null) {
      const { error, code } = body as { error?: unknown; code?: unknown }
      return {
        ...(typeof error === 'string' ? { error } : {}),
        ...(typeof code === 'string' ? { code } : {}),
      }
    }
  } catch {
    // kube-rbac-proxy answers 401/403 in plain text
  }
  return {}
}

function failureOf(operation: SidecarOperation, url: string, reply: Reply): SidecarCallError {
  const text = reply.text.trim().slice(0, 1000)
  const where = `${operation} ${url}`
  if (reply.status === 401) {
    return new SidecarCallError('unauthorized', `${where}: 401 from kube-rbac-proxy: ${text}`, 401)
  }
  if (reply.status === 403) {
    return new SidecarCallError('forbidden', `${where}: 403 from kube-rbac-proxy: ${text}`, 403)
  }
  const { error, code } = errorBody(reply.text)
  const detail = error ?? text
  if (reply.status >= 500) {
    return new SidecarCallError('server', `${where}: ${reply.status}: ${detail}`, reply.status, code)
  }
  return new SidecarCallError(
    'rejected',
    `${where}: ${reply.status}${code === undefined ? '' : ` ${code}`}: ${detail}`,
    reply.status,
    code,
  )
}

export function createSidecarClient(deps: SidecarClientDeps): SidecarClient {
  const timeouts = { ...SIDECAR_CLIENT.timeoutsMs, ...deps.timeoutsMs }
  const observe = deps.observe ?? (() => {})

  const attempt = async (
    operation: SidecarOperation,
    url: string,
    init: { method: string; body?: string; fresh: boolean; timeoutMs: number },
  ): Promise<Reply> => {
    const started = performance.now()
    const seconds = () => (performance.now() - started) / 1000
    let token: string
    try {
      token = await deps.token.read({ fresh: init.fresh })
    } catch (error) {
      observe(operation, 'no_token', seconds())
      throw new SidecarCallError('no_token', (error as Error).message, undefined, undefined, { cause: error })
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    try {
      const res = await fetch(url, {
        method: init.method,
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.timeout(init.timeoutMs),
      })
      const text = await res.text()
      observe(operation, String(res.status), seconds())
      return { status: res.status, text }
    } catch (error) {
      const isTimeout = error instanceof Error && error.name === 'TimeoutError'
      observe(operation, isTimeout ? 'timeout' : 'unreachable', seconds())
      const cause = (error as { cause?: { message?: string; code?: string } }).cause
      const why = isTimeout
        ? `no response within ${init.timeoutMs} ms`
        : `${cause?.code ?? ''} ${cause?.message ?? (error as Error).message}`.trim()
      throw new SidecarCallError(
        isTimeout ? 'timeout' : 'unreachable',
        `${operation} ${url}: ${why}`,
        undefined,
        undefined,
        { cause: error },
      )
    }
  }

  /** One call; a 401 re-reads the token and tries once more. */
  const call = async (
    operation: SidecarOperation,
    node: NodeRef,
    path: string,
    init: { method: string; body?: string; timeoutMs: number },
  ): Promise<Reply> => {
    let url: string
    try {
      url = `${deps.addressing.baseUrl(node.namespace, node.name)}${path}`
    } catch (error) {
      throw new SidecarCallError('bad_address', (error as Error).message, undefined, undefined, {
        cause: error,
      })
    }
    const first = await attempt(operation, url, { ...init, fresh: false })
    if (first.status !== 401) return first
    return attempt(operation, url, { ...init, fresh: true })
  }

  const parse = <T extends TSchema>(
    schema: T,
    operation: SidecarOperation,
    path: string,
    text: string,
  ): Static<T> => {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    if (Value.Check(schema, body)) return body
    const first = body === undefined ? 'not JSON' : [...Value.Errors(schema, body)][0]
    const why = typeof first === 'string' ? first : `${first?.path || '/'}: ${first?.message}`
    throw new SidecarCallError(
      'invalid_response',
      `${operation} ${path}: unexpected answer (${why}): ${text.slice(0, 200)}`,
    )
  }

  return {
    async status(node) {
      const reply = await call('status', node, TASK_API_PATHS.status, {
        method: 'GET',
        timeoutMs: timeouts.status,
      })
      if (reply.status !== 200) throw failureOf('status', TASK_API_PATHS.status, reply)
      return parse(StatusAnswer, 'status', TASK_API_PATHS.status, reply.text).status
    },
    async nodeId(node) {
      const reply = await call('node-id', node, TASK_API_PATHS.nodeId, {
        method: 'GET',
        timeoutMs: timeouts.nodeId,
      })
      if (reply.status !== 200) throw failureOf('node-id', TASK_API_PATHS.nodeId, reply)
      return parse(NodeIdAnswer, 'node-id', TASK_API_PATHS.nodeId, reply.text).nodeId
    },
    async submit(node, task) {
      const reply = await call('submit', node, TASK_API_PATHS.tasks, {
        method: 'POST',
        body: encodeJson({ id: task.id, type: task.type, params: task.params }),
        timeoutMs: timeouts.submit,
      })
      if (reply.status !== 201 && reply.status !== 200) throw failureOf('submit', TASK_API_PATHS.tasks, reply)
    },
    async getTask(node, id) {
      const path = taskPath(id)
      const reply = await call('get', node, path, { method: 'GET', timeoutMs: timeouts.get })
      if (reply.status === 404 && errorBody(reply.text).code === 'TASK_NOT_FOUND') return undefined
      if (reply.status !== 200) throw failureOf('get', path, reply)
      const task = parse(TaskAnswer, 'get', path, reply.text)
      return {
        id: task.id,
        type: task.type,
        status: task.status,
        run: task.run,
        ...(task.result === undefined ? {} : { result: task.result }),
        ...(task.error === undefined ? {} : { error: task.error }),
        ...(task.completedAt === undefined ? {} : { completedAt: task.completedAt }),
      }
    },
  }
}
