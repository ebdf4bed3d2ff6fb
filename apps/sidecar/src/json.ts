/**
 * JSON that keeps 64-bit integers exact. `JSON.parse` turns 9223372036854775807 into a rounded double;
 * config values such as `initial-height` or pruning intervals are int64 in seid, so an integer literal
 * outside the safe range is read as a `bigint` (from its source text) and written back digit for digit.
 * Used for request bodies, the store's params/result columns and responses: one codec end to end.
 */

interface ReviverContext {
  readonly source?: string
}
// Node 24 (V8 ≥ 11.4) has JSON.parse source access and JSON.rawJSON; TypeScript's lib does not type them yet.
type Reviver = (this: unknown, key: string, value: unknown, context?: ReviverContext) => unknown
const json = JSON as unknown as {
  parse(text: string, reviver: Reviver): unknown
  rawJSON(text: string): unknown
}

const INTEGER = /^-?[0-9]+$/

/** Thrown for a `__proto__` key: merged into an object later, it would replace that object's prototype. */
class ForbiddenKeyError extends SyntaxError {}

function revive(key: string, value: unknown, context?: ReviverContext): unknown {
  if (key === '__proto__') throw new ForbiddenKeyError('object key "__proto__" is not allowed')
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (INTEGER.test(context.source)) return BigInt(context.source)
  }
  return value
}

/**
 * Nesting depth of a JSON text, by a linear scan that skips strings. Run before parsing: V8's reviver
 * walk (and anything recursive after it) overflows the stack on a few thousand levels.
 */
function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > max) max = depth
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
}

/** Thrown for a text nested deeper than allowed, before it is parsed. */
export class JsonDepthError extends Error {}

/**
 * Parses JSON; integer literals beyond ±(2^53 − 1) become bigint. Throws SyntaxError on bad input and
 * JsonDepthError past `maxDepth` levels of nesting.
 */
export function parseJson(text: string, maxDepth = Number.POSITIVE_INFINITY): unknown {
  if (maxDepth !== Number.POSITIVE_INFINITY && jsonDepth(text) > maxDepth) {
    throw new JsonDepthError(`nested deeper than ${maxDepth} levels`)
  }
  return json.parse(text, revive)
}

/** Stringifies JSON; a bigint is written as its exact decimal digits. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? json.rawJSON(v.toString()) : v))
}
