/**
 * Request schemas of the task API (the Go sidecar's wire format), declared on the routes through
 * fastify's TypeBox type provider: one definition gives validation, the handler's types and the 400
 * message (mapped in error-handler.ts). A type's own params schema lives with the type (engine/tasks/).
 */
import { type Static, Type } from '@sinclair/typebox'

/** Task ids are UUIDs, any case (stored lower-case). */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** POST `TASK_API_PATHS.tasks`. Unknown top-level fields are ignored, as the Go sidecar's JSON decoder does. */
export const SubmitTaskBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: UUID_PATTERN,
        errorMessage: 'expected a UUID',
        description: 'random when omitted',
      }),
    ),
    type: Type.String({ minLength: 1 }),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { errorMessage: 'expected a JSON object' }),
    ),
  },
  { errorMessage: 'expected a JSON object {"type", "id"?, "params"?}' },
)
export type SubmitTaskBody = Static<typeof SubmitTaskBody>

/** `{id}` of GET/DELETE `TASK_API_PATHS.task`. */
export const TaskIdParams = Type.Object({
  id: Type.String({ pattern: UUID_PATTERN, errorMessage: 'expected a UUID' }),
})

/** `GET /v0/status`. */
const StatusResponse = Type.Object({
  status: Type.Union([Type.Literal('Initializing'), Type.Literal('Ready')]),
})
export type StatusResponse = Static<typeof StatusResponse>
