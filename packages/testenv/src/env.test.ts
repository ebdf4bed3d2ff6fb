import { describe, expect, it } from 'vitest'
import { resolveCacheDir } from './env.js'

describe('resolveCacheDir', () => {
  it('uses SEI_TESTENV_CACHE as is', () => {
    expect(resolveCacheDir({ SEI_TESTENV_CACHE: '/x', XDG_CACHE_HOME: '/y' }, '/home/u')).toBe('/x')
  })
  it('falls back to XDG_CACHE_HOME/sei-k8s-testenv', () => {
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/y' }, '/home/u')).toBe('/y/sei-k8s-testenv')
  })
  it('falls back to ~/.cache/sei-k8s-testenv', () => {
    expect(resolveCacheDir({}, '/home/u')).toBe('/home/u/.cache/sei-k8s-testenv')
  })
})
