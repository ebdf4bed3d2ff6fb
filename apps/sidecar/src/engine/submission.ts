/**
 * A submission body, after the route's schema (`server/schemas.ts`) checked its shape: the type must be
 * registered, params must fit the size limits and then the type's own schema. Each failure is a coded
 * 400 naming the field or the limit.
 */
import { SidecarError } from '../errors.js'
import type { SubmitTaskBody } from '../server/schemas.js'
import { checkParamsLimits, type ParamsLimits } from './params-limits.js'
import type { TaskRegistry } from './registry.js'
import type { Submission } from './state.js'

export function parseSubmission(
  body: SubmitTaskBody,
  registry: TaskRegistry,
  newId: () => string,
  limits?: ParamsLimits,
): Submission {
  const { id, type, params } = body
  if (!registry.get(type)) {
    const shown = type.length > 64 ? `${type.slice(0, 64)}…` : type
    throw new SidecarError(
      'UNKNOWN_TASK_TYPE',
      `${JSON.stringify(shown)}; supported types: ${registry.types.join(', ')}`,
    )
  }
  if (params !== undefined) {
    const tooLarge = checkParamsLimits(params, limits)
    if (tooLarge) throw new SidecarError('PARAMS_TOO_LARGE', tooLarge)
  }
  const problem = registry.checkParams(type, params)
  if (problem) throw new SidecarError('INVALID_PARAMS', problem)
  const submission = { id: (id ?? newId()).toLowerCase(), type }
  return params === undefined ? submission : { ...submission, params }
}
