/**
 * Runtime validation of SeiNode objects read from YAML or the API. Reports EVERY bad field, each named
 * by its path (`spec.chainId: …`) with the offending value, never just the first problem.
 */
import { formatJsonPointer } from '@sei-k8s/contract'
import type { TSchema } from '@sinclair/typebox'
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import { CROSS_FIELD_RULES, type RuleScope } from './rules.js'
import {
  DNS1035_LABEL,
  DNS1123_LABEL,
  IMAGE_REF,
  LABEL_KEY,
  LABEL_VALUE,
  PEER_ADDRESS,
  QUANTITY,
  TOML_DOTTED_KEY,
} from './schema-parts.js'
import { type SeiNode, SeiNodeSchema } from './seinode.js'

/** One problem with one field. `path` is dotted, with `[key]` for map keys and list indexes. */
export interface FieldError {
  readonly path: string
  readonly message: string
}

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] }

const PATTERN_NAMES: Readonly<Record<string, string>> = {
  [DNS1035_LABEL]: "a DNS-1035 label (lowercase alphanumerics and '-', starting with a letter)",
  [DNS1123_LABEL]: "a DNS-1123 label (lowercase alphanumerics and '-', alphanumeric at both ends)",
  [IMAGE_REF]: 'an image reference without whitespace',
  [LABEL_KEY]: 'a label key ([prefix/]name)',
  [LABEL_VALUE]: "a label value (alphanumerics, '-', '_', '.', alphanumeric at both ends)",
  [PEER_ADDRESS]: 'a peer address <40 hex node id>@<host>:<port>',
  [QUANTITY]: 'a resource quantity such as 500m, 4Gi or 2',
  [TOML_DOTTED_KEY]: 'a TOML dotted key such as mempool.size',
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function describeError(error: ValueError): string {
  const schema: TSchema = error.schema
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required field is missing'
    case ValueErrorType.ObjectAdditionalProperties: {
      // A Record rejects keys that miss its key pattern; plain objects reject unknown fields.
      const patterns = schema['patternProperties'] as Record<string, unknown> | undefined
      const keyPattern = patterns ? Object.keys(patterns)[0] : undefined
      if (keyPattern === undefined) return 'unknown field'
      return `invalid key: must be ${PATTERN_NAMES[keyPattern] ?? `a key matching ${keyPattern}`}`
    }
    case ValueErrorType.StringPattern: {
      const pattern = typeof schema['pattern'] === 'string' ? schema['pattern'] : ''
      return `must be ${PATTERN_NAMES[pattern] ?? `a string matching ${pattern}`}; got ${show(error.value)}`
    }
    case ValueErrorType.Union:
      if (schema['x-kubernetes-int-or-string'] === true) {
        return `must be ${PATTERN_NAMES[QUANTITY]}; got ${show(error.value)}`
      }
      return `${error.message}; got ${show(error.value)}`
    default:
      return `${error.message.replace(/^Expected/, 'expected')}; got ${show(error.value)}`
  }
}

const SCOPE_POINTERS: Readonly<Record<RuleScope, readonly string[]>> = {
  spec: ['spec'],
  'spec.sidecar': ['spec', 'sidecar'],
}

function at(value: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  let current: unknown = value
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return typeof current === 'object' && current !== null && !Array.isArray(current)
    ? (current as Record<string, unknown>)
    : undefined
}

function crossFieldErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = []
  for (const rule of CROSS_FIELD_RULES) {
    const scopeKeys = SCOPE_POINTERS[rule.scope]
    const self = at(value, scopeKeys)
    if (self === undefined || rule.check(self)) continue
    errors.push({ path: rule.path, message: rule.message })
  }
  return errors
}

/** Validates a schema-described value, reporting one message per bad field (the first TypeBox gives). */
export function validateAgainst<T extends TSchema>(schema: T, value: unknown): FieldError[] {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const error of Value.Errors(schema, value)) {
    const path = formatJsonPointer(error.path)
    if (seen.has(path)) continue
    seen.add(path)
    errors.push({ path, message: describeError(error) })
  }
  return errors
}

/**
 * Validates an unknown value as a SeiNode: the schema, then every cross-field rule. Never throws; the
 * result lists all problems, in schema order, then rule order.
 */
export function validateSeiNode(value: unknown): ValidationResult<SeiNode> {
  const errors = [...validateAgainst(SeiNodeSchema, value), ...crossFieldErrors(value)]
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, value: value as SeiNode }
}

/** `spec.chainId: required field is missing` */
export function formatFieldError(error: FieldError): string {
  return `${error.path}: ${error.message}`
}
