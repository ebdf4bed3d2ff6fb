import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { buildSeiNodeCrd } from './crd.js'
import { toStructural } from './openapi.js'

type Schema = Record<string, unknown>

function walk(schema: Schema, path: string, visit: (s: Schema, path: string) => void): void {
  visit(schema, path)
  const properties = schema['properties'] as Record<string, Schema> | undefined
  for (const [key, value] of Object.entries(properties ?? {})) walk(value, `${path}.${key}`, visit)
  if (typeof schema['additionalProperties'] === 'object')
    walk(schema['additionalProperties'] as Schema, `${path}[*]`, visit)
  if (schema['items']) walk(schema['items'] as Schema, `${path}[]`, visit)
}

const crd = buildSeiNodeCrd() as {
  metadata: { name: string }
  spec: {
    names: Record<string, unknown>
    versions: {
      name: string
      subresources: unknown
      additionalPrinterColumns: { name: string; jsonPath: string }[]
      schema: { openAPIV3Schema: Schema }
    }[]
  }
}
const [version] = crd.spec.versions
const root = version?.schema.openAPIV3Schema ?? {}

describe('SeiNode CRD', () => {
  it('is seinodes.sei.io v1alpha1 with shortName snode and a status subresource', () => {
    expect(crd.metadata.name).toBe('seinodes.sei.io')
    expect(crd.spec.names).toMatchObject({ kind: 'SeiNode', plural: 'seinodes', shortNames: ['snode'] })
    expect(version?.name).toBe('v1alpha1')
    expect(version?.subresources).toEqual({ status: {} })
  })

  it('prints phase, chain, role, ready and age', () => {
    expect(version?.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'Phase',
      'Chain',
      'Role',
      'Ready',
      'Age',
    ])
  })

  it('is structural: every node has a type or is int-or-string, and uses no unsupported keywords', () => {
    walk(root, '', (schema, path) => {
      const isIntOrString = schema['x-kubernetes-int-or-string'] === true
      expect(typeof schema['type'] === 'string' || isIntOrString, path).toBe(true)
      for (const banned of ['patternProperties', 'const', '$id', 'additionalItems', 'propertyNames']) {
        expect(schema[banned], `${path} ${banned}`).toBeUndefined()
      }
      if (schema['additionalProperties'] !== undefined)
        expect(typeof schema['additionalProperties']).toBe('object')
    })
  })

  it('requires chainId and image and validates chainId as a DNS-1123 label', () => {
    const spec = (root['properties'] as Record<string, Schema>)['spec'] ?? {}
    expect(spec['required']).toEqual(['chainId', 'image'])
    const chainId = (spec['properties'] as Record<string, Schema>)['chainId']
    expect(chainId).toMatchObject({
      type: 'string',
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    })
  })

  it('carries the cross-field rules as CEL: one role block, distinct sidecar ports', () => {
    const spec = (root['properties'] as Record<string, Schema>)['spec'] ?? {}
    expect(JSON.stringify(spec['x-kubernetes-validations'])).toContain('exists_one')
    const sidecar = (spec['properties'] as Record<string, Schema>)['sidecar'] ?? {}
    const rules = sidecar['x-kubernetes-validations'] as { fieldPath?: string }[]
    expect(rules.map((r) => r.fieldPath)).toEqual(['.publicPort', '.port', '.publicPort'])
  })

  it('sets no defaults, so the server fills nothing the builders do not expect', () => {
    walk(root, '', (schema, path) => expect(schema['default'], path).toBeUndefined())
  })
})

describe('toStructural', () => {
  it('turns a Record into additionalProperties and a literal union into an enum', () => {
    expect(toStructural(Type.Record(Type.String(), Type.Integer()))).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    })
    expect(toStructural(Type.Union([Type.Literal('a'), Type.Literal('b')]))).toEqual({
      type: 'string',
      enum: ['a', 'b'],
    })
  })

  it('refuses constructs a CRD cannot express', () => {
    expect(() => toStructural(Type.Union([Type.String(), Type.Boolean()]), 'spec.x')).toThrow(
      /spec.x: only unions/,
    )
  })
})
