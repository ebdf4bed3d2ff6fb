import { describe, expect, it } from 'vitest'
import { canonicalJson, sortKeys, toJsonArray, toYamlDocument, toYamlStream } from './yaml.js'

describe('deterministic serialisation', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(JSON.stringify(sortKeys({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } }))).toBe(
      '{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}',
    )
  })

  it('drops undefined fields so optional fields never render as null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}')
    expect(toYamlDocument({ a: undefined, b: 1 })).toBe('b: 1\n')
  })

  it('keeps long annotation values on one line', () => {
    const long = 'x'.repeat(300)
    expect(toYamlDocument({ value: long })).toBe(`value: ${long}\n`)
  })

  it('writes a stream and a JSON array in the order given, keys sorted', () => {
    expect(toYamlStream([{ b: 1, a: 2 }, { c: 'x' }])).toBe('---\na: 2\nb: 1\n---\nc: x\n')
    expect(toJsonArray([{ b: 1, a: 2 }])).toBe('[\n  {\n    "a": 2,\n    "b": 1\n  }\n]\n')
  })
})
