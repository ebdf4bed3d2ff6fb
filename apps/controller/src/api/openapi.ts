/**
 * Converts the TypeBox schema of SeiNode into a structural OpenAPI v3 schema, the form a CRD requires:
 * every node has a `type` (or `x-kubernetes-int-or-string`), maps use `additionalProperties`, no
 * `patternProperties`, `const` or `$id`. Throws on a construct it does not know, so a schema change
 * that the CRD cannot express fails the manifest test rather than shipping a lax CRD.
 */
import type { TSchema } from '@sinclair/typebox'

/** A JSON-serialisable OpenAPI schema node. */
export type OpenApiSchema = { [key: string]: unknown }

const COPIED_KEYS = [
  'description',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
] as const

function copyKeys(from: TSchema, to: OpenApiSchema): OpenApiSchema {
  for (const key of COPIED_KEYS) if (from[key] !== undefined) to[key] = from[key]
  if (typeof from['crdFormat'] === 'string') to['format'] = from['crdFormat']
  return to
}

function literalValues(schemas: readonly TSchema[]): string[] | undefined {
  const values = schemas.map((s) => s['const'])
  return values.every((v): v is string => typeof v === 'string') ? values : undefined
}

function objectSchema(schema: TSchema, at: string): OpenApiSchema {
  const out: OpenApiSchema = { type: 'object' }
  const properties = schema['properties'] as Record<string, TSchema> | undefined
  if (properties) {
    out['properties'] = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [key, toStructural(value, `${at}.${key}`)]),
    )
  }
  const patterns = schema['patternProperties'] as Record<string, TSchema> | undefined
  if (patterns) {
    // A Record: the key pattern is checked offline only (CRDs have no propertyNames).
    const [value, ...more] = Object.values(patterns)
    if (value === undefined || more.length > 0)
      throw new Error(`${at}: expected exactly one patternProperties entry`)
    out['additionalProperties'] = toStructural(value, `${at}[*]`)
  } else if (typeof schema['additionalProperties'] === 'object') {
    out['additionalProperties'] = toStructural(schema['additionalProperties'] as TSchema, `${at}[*]`)
  }
  // Open metadata-like objects keep unknown fields instead of having them pruned.
  if (schema['additionalProperties'] === true && !properties)
    out['x-kubernetes-preserve-unknown-fields'] = true
  const required = schema['required'] as string[] | undefined
  if (required && required.length > 0) out['required'] = [...required]
  return copyKeys(schema, out)
}

/** Converts one TypeBox schema node; `at` names it in errors. */
export function toStructural(schema: TSchema, at = '<root>'): OpenApiSchema {
  if (schema['x-kubernetes-int-or-string'] === true) {
    return copyKeys(schema, {
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    })
  }
  const anyOf = schema['anyOf'] as TSchema[] | undefined
  if (anyOf) {
    const values = literalValues(anyOf)
    if (!values) throw new Error(`${at}: only unions of string literals or int-or-string are supported`)
    return copyKeys(schema, { type: 'string', enum: values })
  }
  if (typeof schema['const'] === 'string')
    return copyKeys(schema, { type: 'string', enum: [schema['const']] })
  switch (schema['type']) {
    case 'object':
      return objectSchema(schema, at)
    case 'array':
      return copyKeys(schema, { type: 'array', items: toStructural(schema['items'] as TSchema, `${at}[]`) })
    case 'string':
    case 'integer':
    case 'boolean':
    case 'number':
      return copyKeys(schema, { type: schema['type'] })
    default:
      throw new Error(`${at}: unsupported schema node ${JSON.stringify(schema['type'])}`)
  }
}
