import { describe, expect, it } from 'vitest'
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelKeyProblem,
  labelValueProblem,
} from './k8s-names.js'

describe('Kubernetes name syntax', () => {
  it.each(['sei', 'sei-mainnet-1', 'a', 'a'.repeat(63)])('accepts the namespace name %s', (name) => {
    expect(dns1123LabelProblem(name)).toBeUndefined()
  })

  it.each(['Sei', '-sei', 'sei-', 'sei_1', 'sei.io', '', 'a'.repeat(64)])(
    'rejects the namespace name "%s"',
    (name) => {
      expect(dns1123LabelProblem(name)).toBeDefined()
    },
  )

  it('accepts dotted ServiceAccount names and rejects upper case', () => {
    expect(dns1123SubdomainProblem('sei-k8s.controller')).toBeUndefined()
    expect(dns1123SubdomainProblem('Controller')).toBeDefined()
  })

  it.each(['app', 'app.kubernetes.io/name', 'a_b.c-d', 'example.com/A'])(
    'accepts the label key %s',
    (key) => {
      expect(labelKeyProblem(key)).toBeUndefined()
    },
  )

  it.each(['', '/name', 'Example.com/a', 'app/', 'a b', '-app', `x/${'a'.repeat(64)}`])(
    'rejects the label key "%s"',
    (key) => {
      expect(labelKeyProblem(key)).toMatch(/^label key/)
    },
  )

  it('accepts empty and ordinary label values and rejects spaces and overlong values', () => {
    expect(labelValueProblem('')).toBeUndefined()
    expect(labelValueProblem('kube-prometheus_stack.1')).toBeUndefined()
    expect(labelValueProblem('a b')).toMatch(/^label value/)
    expect(labelValueProblem('a'.repeat(64))).toMatch(/^label value/)
  })
})
