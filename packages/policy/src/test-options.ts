/** Test fixture: validated options from a partial input (throws on invalid input). Test-only. */
import { type PolicyOptions, parsePolicyOptions } from './input.js'

export function options(input: Record<string, unknown> = {}): PolicyOptions {
  const result = parsePolicyOptions({ namespaces: ['sei'], ...input })
  if (!result.ok) throw new Error(`fixture options are invalid: ${JSON.stringify(result.issues)}`)
  return result.options
}
