/** `mark-ready` / `mark-not-ready`: flip the in-memory readiness flag behind `PUBLIC_PATHS.healthz`. */
import { PUBLIC_PATHS } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'

const NoParams = Type.Object({}, { additionalProperties: false })

export const markReady = defineTask({
  type: 'mark-ready',
  summary: `make ${PUBLIC_PATHS.healthz} answer 200 (seid may start); in memory, false again after a restart`,
  paramsSchema: NoParams,
  run: async (_params, ctx) => {
    ctx.readiness.set(true)
    return undefined
  },
})

export const markNotReady = defineTask({
  type: 'mark-not-ready',
  summary: `make ${PUBLIC_PATHS.healthz} answer 503`,
  paramsSchema: NoParams,
  run: async (_params, ctx) => {
    ctx.readiness.set(false)
    return undefined
  },
})
