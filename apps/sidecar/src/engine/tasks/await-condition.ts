/**
 * `await-condition`: poll seid's CometBFT `/status` until a condition holds, then optionally stop seid.
 *
 * Two wire shapes are accepted:
 * - the upstream Go client's (`sidecar/client` typed builders): `{condition: "height", targetHeight}` or
 *   `{condition: "catchingUp"}` (wait until the node has caught up), with `action: "SIGTERM_SEID"` to stop
 *   seid once the condition holds (how a node halts at an upgrade height); `timeoutSeconds` optional;
 * - this sidecar's original: `{height?, catchingUp?, timeoutSeconds}`.
 * The timeout is an absolute deadline, persisted at first start (`ctx.deadlineMs`).
 */
import { SEID_PATHS } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'
import { RESTART_TIMEOUT_SECONDS, stopSeid } from './restart-seid.js'

const POLL_MS = 1000
const REQUEST_TIMEOUT_MS = 5000
const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600

const CONDITIONS = ['height', 'catchingUp'] as const
const ACTIONS = ['SIGTERM_SEID'] as const

const Params = Type.Object(
  {
    condition: Type.Optional(Type.Union(CONDITIONS.map((c) => Type.Literal(c)))),
    targetHeight: Type.Optional(Type.Integer({ minimum: 0 })),
    action: Type.Optional(Type.Union(ACTIONS.map((a) => Type.Literal(a)))),
    height: Type.Optional(Type.Integer({ minimum: 0 })),
    catchingUp: Type.Optional(Type.Boolean()),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_SECONDS })),
  },
  { additionalProperties: false },
)
type Params = Static<typeof Params>

export interface SyncInfo {
  readonly height: number
  readonly catchingUp: boolean
}

/** Extracts height and catching_up from a `/status` body (JSON-RPC wrapped or bare). */
export function parseSyncInfo(body: unknown): SyncInfo | undefined {
  const root = body as { result?: unknown; sync_info?: unknown } | null
  const result = (root?.result ?? root) as {
    sync_info?: { latest_block_height?: unknown; catching_up?: unknown }
  }
  const info = result?.sync_info
  const height = Number(info?.latest_block_height)
  if (!Number.isSafeInteger(height) || typeof info?.catching_up !== 'boolean') return undefined
  return { height, catchingUp: info.catching_up }
}

export interface Condition {
  readonly height?: number | undefined
  readonly catchingUp?: boolean | undefined
}

export function conditionHolds(condition: Condition, info: SyncInfo): boolean {
  if (condition.height !== undefined && info.height < condition.height) return false
  if (condition.catchingUp !== undefined && info.catchingUp !== condition.catchingUp) return false
  return true
}

/** Either shape as one condition; the upstream `catchingUp` condition means "caught up". */
function toCondition(params: Params): Condition {
  if (params.condition === 'height') return { height: params.targetHeight }
  if (params.condition === 'catchingUp') return { catchingUp: false }
  return { height: params.height, catchingUp: params.catchingUp }
}

/** Field combinations the schema cannot express; a message naming the field. */
function checkShape(params: Params): string | undefined {
  if (params.condition !== undefined) {
    if (params.height !== undefined || params.catchingUp !== undefined) {
      return 'params.condition: use either {condition, targetHeight} or {height, catchingUp}, not both'
    }
    if (params.condition === 'height' && params.targetHeight === undefined) {
      return 'params.targetHeight: required when condition is "height"'
    }
    return undefined
  }
  if (params.targetHeight !== undefined || params.action !== undefined) {
    return 'params.condition: required with targetHeight or action (one of height, catchingUp)'
  }
  if (params.timeoutSeconds === undefined) return 'params.timeoutSeconds: expected required property'
  return undefined
}

/** One `/status` poll: the sync info, or why there is none. Throws only when the task is aborted. */
async function observe(url: string, taskSignal: AbortSignal): Promise<SyncInfo | string> {
  try {
    const signal = AbortSignal.any([taskSignal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
    const response = await fetch(url, { signal })
    if (!response.ok) return `HTTP ${response.status}`
    return parseSyncInfo(await response.json()) ?? 'unrecognised /status body'
  } catch (error) {
    taskSignal.throwIfAborted()
    return (error as Error).message
  }
}

export const awaitCondition = defineTask({
  type: 'await-condition',
  summary:
    'poll seid RPC /status until {condition: height|catchingUp, targetHeight?, action?: SIGTERM_SEID} ' +
    '(or {height?, catchingUp?, timeoutSeconds}) holds',
  paramsSchema: Params,
  check: checkShape,
  timeoutSeconds: (params) => params.timeoutSeconds,
  run: async (params, ctx) => {
    const url = `${ctx.seidRpcUrl}${SEID_PATHS.status}`
    const condition = toCondition(params)
    const deadline =
      ctx.deadlineMs ??
      (params.timeoutSeconds === undefined ? undefined : Date.now() + params.timeoutSeconds * 1000)
    let last = 'no answer yet'
    for (;;) {
      const observed = await observe(url, ctx.signal)
      if (typeof observed === 'string') last = observed
      else if (!conditionHolds(condition, observed)) {
        last = `height ${observed.height}, catching_up ${observed.catchingUp}`
      } else if (params.action !== 'SIGTERM_SEID') return observed
      else {
        const budget = `within ${RESTART_TIMEOUT_SECONDS}s`
        const pid = await stopSeid(ctx, Date.now() + RESTART_TIMEOUT_SECONDS * 1000, budget)
        return { ...observed, action: params.action, pid }
      }
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new Error(`condition not met within ${params.timeoutSeconds}s polling ${url}; last: ${last}`)
      }
      const wait = deadline === undefined ? POLL_MS : Math.min(POLL_MS, Math.max(0, deadline - Date.now()))
      await ctx.sleep(wait, ctx.signal)
    }
  },
})
