/**
 * Trusted-header authentication for the loopback tasks listener. kube-rbac-proxy
 * (`--auth-header-fields-enabled`) sets `X-Remote-User` / `X-Remote-Groups` after TokenReview and SAR,
 * overwriting client values. The header is trustworthy only because this listener binds 127.0.0.1.
 *
 * Exactly one non-empty X-Remote-User is required; a duplicated header is rejected because it is the
 * sign of a proxy (or another container on loopback) appending instead of overwriting.
 */

import type { IncomingMessage, RequestListener } from 'node:http'
import { type AuthnRejectionReason, HEADERS, REMOTE_GROUPS_SEPARATOR } from '@sei-k8s/contract'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface Identity {
  readonly user: string
  readonly groups: readonly string[]
}

export type IdentityResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly reason: AuthnRejectionReason; readonly message: string }

const USER = HEADERS.remoteUser.toLowerCase()
const GROUPS = HEADERS.remoteGroups.toLowerCase()

/**
 * Reads identity from the raw header list (Node joins duplicates with ", " in `headers`, which would hide
 * a duplicate). Pure.
 */
export function identityFromRawHeaders(rawHeaders: readonly string[]): IdentityResult {
  const users: string[] = []
  const groups: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase()
    const value = rawHeaders[i + 1] ?? ''
    if (name === USER) users.push(value)
    else if (name === GROUPS) groups.push(value)
  }
  if (users.length === 0) {
    return { ok: false, reason: 'missing_header', message: `missing ${HEADERS.remoteUser} header` }
  }
  if (users.length > 1) {
    return {
      ok: false,
      reason: 'duplicate_header',
      message: `${HEADERS.remoteUser} header sent ${users.length} times; exactly one is allowed`,
    }
  }
  const user = users[0]?.trim() ?? ''
  if (user === '')
    return { ok: false, reason: 'empty_header', message: `${HEADERS.remoteUser} header is empty` }
  const groupList = groups
    .flatMap((value) => value.split(REMOTE_GROUPS_SEPARATOR))
    .map((g) => g.trim())
    .filter((g) => g !== '')
  return { ok: true, identity: { user, groups: groupList } }
}

const identities = new WeakMap<IncomingMessage, Identity>()

/** The identity an authenticated request carried (set by `authenticateBeforeRouting`). */
export function identityOf(request: IncomingMessage): Identity | undefined {
  return identities.get(request)
}

/**
 * Wraps the listener's request handler so identity is checked before fastify parses or routes anything:
 * without identity, every request is 401, including ones the router would reject (an over-long task id
 * is 414 and a malformed percent-escape 400 only for an authenticated caller), so nothing about
 * the routes is revealed. `publicPaths` (the legacy rollout switch) pass without identity.
 */
export function authenticateBeforeRouting(
  handler: RequestListener,
  options: {
    readonly publicPaths: ReadonlySet<string>
    readonly onReject: (reason: AuthnRejectionReason, request: IncomingMessage) => void
  },
): RequestListener {
  return (request, response) => {
    const url = request.url ?? ''
    const query = url.indexOf('?')
    if (options.publicPaths.size > 0 && options.publicPaths.has(query < 0 ? url : url.slice(0, query))) {
      return handler(request, response)
    }
    const result = identityFromRawHeaders(request.rawHeaders)
    if (result.ok) {
      identities.set(request, result.identity)
      return handler(request, response)
    }
    options.onReject(result.reason, request)
    const body = JSON.stringify({ error: result.message, code: 'UNAUTHENTICATED' })
    response.writeHead(401, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    response.end(body)
  }
}

/**
 * The same check as an onRequest hook, for requests that reach fastify without passing the server's
 * wrapper (`inject` in tests): defence in depth, and it makes `identityOf` defined on every routed
 * request. Public routes (legacy switch) are listed in `publicPaths` as above.
 */
export function createIdentityHook(
  publicPaths: ReadonlySet<string>,
  onReject: (reason: AuthnRejectionReason, url: string) => void,
) {
  return async function identityHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (identities.has(request.raw) || publicPaths.has(request.url.split('?')[0] ?? '')) return
    const result = identityFromRawHeaders(request.raw.rawHeaders)
    if (result.ok) {
      identities.set(request.raw, result.identity)
      return
    }
    onReject(result.reason, request.url)
    await reply.code(401).send({ error: result.message, code: 'UNAUTHENTICATED' })
    return reply
  }
}
