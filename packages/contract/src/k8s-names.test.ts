import { describe, expect, it } from 'vitest'
import { K8S_NAME_PATTERNS } from './k8s-names.js'

const matches = (pattern: string, value: string) => new RegExp(pattern).test(value)

describe('K8S_NAME_PATTERNS', () => {
  it('accepts Kubernetes names and rejects what the API server rejects', () => {
    expect(matches(K8S_NAME_PATTERNS.dns1123Label, 'pacific-1')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.dns1123Label, 'Pacific')).toBe(false)
    expect(matches(K8S_NAME_PATTERNS.dns1123Label, 'a.b')).toBe(false)
    expect(matches(K8S_NAME_PATTERNS.dns1035Label, '1abc')).toBe(false)
    expect(matches(K8S_NAME_PATTERNS.dns1123Subdomain, 'a.b-c.d')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.dns1123Subdomain, 'a..b')).toBe(false)
  })

  it('accepts label keys with and without a prefix, and empty label values', () => {
    expect(matches(K8S_NAME_PATTERNS.labelKey, 'app.kubernetes.io/name')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.labelKey, 'name')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.labelKey, 'Bad_Prefix/name')).toBe(false)
    expect(matches(K8S_NAME_PATTERNS.labelKey, `x/${'a'.repeat(64)}`)).toBe(false)
    expect(matches(K8S_NAME_PATTERNS.labelValue, '')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.labelValue, 'v1.2_3')).toBe(true)
    expect(matches(K8S_NAME_PATTERNS.labelValue, '-v')).toBe(false)
  })
})
