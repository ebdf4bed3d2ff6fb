/**
 * Trusted-header authentication for the loopback tasks listener. kube-rbac-proxy
 * (`--auth-header-fields-enabled`) sets `X-Remote-User` / `X-Remote-Groups` after TokenReview and SAR,
 * overwriting client values. The header is trustworthy only because this listener binds 127.0.0.1.
 *
 * Exactly one non-empty X-Remote-User is required; a duplicated header is rejected because it is the
 * sign of a proxy (or another container on loopback) appending instead of overwriting.
 */
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

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity
  }
  interface FastifyContextConfig {
    /** Route served without identity (public paths under the legacy rollout switch only). */
    isPublic?: boolean
  }
}

/** The root onRequest hook: runs before routing results matter, so unknown paths are 401, not 404. */
export function createIdentityHook(onReject: (reason: AuthnRejectionReason) => void) {
  return async function identityHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config.isPublic === true) return
    const result = identityFromRawHeaders(request.raw.rawHeaders)
    if (!result.ok) {
      onReject(result.reason)
      request.log.warn(
        { reason: result.reason, url: request.url.split('?')[0] },
        'rejected unauthenticated request',
      )
      await reply.code(401).send({ error: result.message, code: 'UNAUTHENTICATED' })
      return reply
    }
    request.identity = result.identity
  }
}
