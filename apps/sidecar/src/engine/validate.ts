/** Schema validation with messages that name the offending field, for 400 responses. */
import { formatJsonPointer } from '@sei-k8s/contract'
import type { TSchema } from '@sinclair/typebox'
import { Value, type ValueError } from '@sinclair/typebox/value'

/**
 * Returns undefined when `value` satisfies `schema`, else one message naming the first bad field and,
 * for short scalars, its value. TypeBox reports unexpected properties at the property's own path.
 */
export function validationError(schema: TSchema, value: unknown, root: string): string | undefined {
  if (Value.Check(schema, value)) return undefined
  const first = Value.Errors(schema, value).First()
  if (first === undefined) return `${root}: invalid`
  return describeFailure(root, first)
}

/** `field: message (got value)` for one TypeBox failure; `errorMessage` on a schema overrides the text. */
export function describeFailure(root: string, failure: ValueError): string {
  const field = formatJsonPointer(failure.path, root)
  const custom = (failure.schema as { errorMessage?: unknown }).errorMessage
  const message = typeof custom === 'string' ? custom : failure.message
  const value = failure.value
  const shown =
    typeof value === 'string' && value.length <= 64
      ? ` (got ${JSON.stringify(value)})`
      : typeof value === 'number' || typeof value === 'boolean'
        ? ` (got ${String(value)})`
        : ''
  return `${field}: ${message.charAt(0).toLowerCase()}${message.slice(1)}${shown}`
}
