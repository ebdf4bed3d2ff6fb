/**
 * Size limits of task params, checked at submission before anything is stored (design §4.4): nesting
 * depth, number of keys, encoded size, and the expanded size a TOML rendering can reach (nested tables
 * repeat their whole path in every header, so a small deep request could otherwise write a huge file).
 * The walk is iterative and stops at the first limit, so hostile input cannot overflow the stack.
 */
import { SIDECAR_LIMITS } from '@sei-k8s/contract'
import { stringifyJson } from '../json.js'

export type ParamsLimits = typeof SIDECAR_LIMITS.params

function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value) + 2
  return String(value).length
}

/** Undefined when `params` fits `limits`, else a message naming the limit that was exceeded. */
export function checkParamsLimits(
  params: unknown,
  limits: ParamsLimits = SIDECAR_LIMITS.params,
): string | undefined {
  const stack: Array<{ value: unknown; depth: number; pathBytes: number }> = [
    { value: params, depth: 1, pathBytes: 0 },
  ]
  let keys = 0
  let expanded = 0
  while (stack.length > 0) {
    const item = stack.pop()
    if (item === undefined) break
    const { value, depth, pathBytes } = item
    if (typeof value !== 'object' || value === null) {
      expanded += pathBytes + scalarBytes(value)
      if (expanded > limits.maxExpandedBytes) {
        return `params expand to more than ${limits.maxExpandedBytes} bytes of key paths and values (limit maxExpandedBytes)`
      }
      continue
    }
    if (depth > limits.maxDepth)
      return `params are nested deeper than ${limits.maxDepth} levels (limit maxDepth)`
    for (const [key, child] of Object.entries(value)) {
      keys += 1
      if (keys > limits.maxKeys)
        return `params have more than ${limits.maxKeys} keys and elements (limit maxKeys)`
      stack.push({ value: child, depth: depth + 1, pathBytes: pathBytes + Buffer.byteLength(key) + 1 })
    }
  }
  const bytes = Buffer.byteLength(stringifyJson(params))
  if (bytes > limits.maxEncodedBytes) {
    return `params are ${bytes} bytes encoded, over ${limits.maxEncodedBytes} (limit maxEncodedBytes)`
  }
  return undefined
}
