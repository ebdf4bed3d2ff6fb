/** Schema validation with messages that name the offending field, for 400 responses. */
import type { TSchema } from '@sinclair/typebox'
import { Value, type ValueError } from '@sinclair/typebox/value'

/** `/files/app.toml` → `files["app.toml"]`; `/a/0/b` → `a[0].b`, rooted at `root`. */
function formatPath(root: string, pointer: string): string {
  if (pointer === '') return root
  let out = root
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    if (/^[0-9]+$/.test(part)) out += `[${part}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += `.${part}`
    else out += `[${JSON.stringify(part)}]`
  }
  return out
}

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
  const field = formatPath(root, failure.path)
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
