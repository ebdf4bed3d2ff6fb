/** Wire schemas of the task API (the Go sidecar's format). Used for docs, response typing and tests. */
import { TASK_STATUSES } from '@sei-k8s/contract'
import { type Static, Type } from '@sinclair/typebox'

export const SubmitTaskBody = Type.Object({
  id: Type.Optional(Type.String({ description: 'UUID; a random one when omitted' })),
  type: Type.String({ minLength: 1 }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})
export type SubmitTaskBody = Static<typeof SubmitTaskBody>

export const SubmitTaskResponse = Type.Object({ id: Type.String() })

export const TaskResultSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))),
  run: Type.Integer({ minimum: 1 }),
  params: Type.Optional(Type.Unknown()),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.String()),
  submittedAt: Type.String({ description: 'RFC 3339 UTC' }),
  completedAt: Type.Optional(Type.String({ description: 'RFC 3339 UTC' })),
})

export const StatusResponse = Type.Object({
  status: Type.Union([Type.Literal('Initializing'), Type.Literal('Ready')]),
})
export type StatusResponse = Static<typeof StatusResponse>

export const NodeIdResponse = Type.Object({ nodeId: Type.String({ pattern: '^[0-9a-f]{40}$' }) })

export const ErrorResponse = Type.Object({ error: Type.String(), code: Type.String() })
