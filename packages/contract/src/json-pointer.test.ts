import { describe, expect, it } from 'vitest'
import { formatJsonPointer } from './json-pointer.js'

describe('formatJsonPointer', () => {
  it('joins identifiers with dots and indexes with brackets', () => {
    expect(formatJsonPointer('/spec/peers/0')).toBe('spec.peers[0]')
    expect(formatJsonPointer('/a/0/b', 'params')).toBe('params.a[0].b')
  })

  it('quotes keys that are not identifiers and unescapes ~1 and ~0', () => {
    expect(formatJsonPointer('/spec/podLabels/app.kubernetes.io~1name')).toBe(
      'spec.podLabels["app.kubernetes.io/name"]',
    )
    expect(formatJsonPointer('/files/app.toml', 'params')).toBe('params.files["app.toml"]')
    expect(formatJsonPointer('/x/a~0b')).toBe('x["a~b"]')
  })

  it('names the root for the empty pointer', () => {
    expect(formatJsonPointer('')).toBe('<root>')
    expect(formatJsonPointer('', 'body')).toBe('body')
  })
})
