/**
 * `await-condition`: poll seid's CometBFT `/status` until the latest block height reaches `height`
 * and/or `catching_up` equals `catchingUp`, or fail after `timeoutSeconds`.
 */
import { SEID_PATHS } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'

const POLL_MS = 1000
const REQUEST_TIMEOUT_MS = 5000

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

export const awaitCondition = defineTask({
  type: 'await-condition',
  summary: 'poll seid RPC /status until {height?, catchingUp?} holds, within timeoutSeconds',
  paramsSchema: Type.Object(
    {
      height: Type.Optional(Type.Integer({ minimum: 0 })),
      catchingUp: Type.Optional(Type.Boolean()),
      timeoutSeconds: Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }),
    },
    { additionalProperties: false },
  ),
  run: async (params, ctx) => {
    const url = `${ctx.seidRpcUrl}${SEID_PATHS.status}`
    const deadline = Date.now() + params.timeoutSeconds * 1000
    let last = 'no answer yet'
    for (;;) {
      try {
        const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
        const response = await fetch(url, { signal })
        if (!response.ok) last = `HTTP ${response.status}`
        else {
          const info = parseSyncInfo(await response.json())
          if (info === undefined) last = 'unrecognised /status body'
          else if (conditionHolds(params, info)) return info
          else last = `height ${info.height}, catching_up ${info.catchingUp}`
        }
      } catch (error) {
        ctx.signal.throwIfAborted()
        last = (error as Error).message
      }
      if (Date.now() >= deadline) {
        throw new Error(`condition not met within ${params.timeoutSeconds}s polling ${url}; last: ${last}`)
      }
      await ctx.sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), ctx.signal)
    }
  },
})
