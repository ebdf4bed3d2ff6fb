import { describe, expect, it } from 'vitest'
import { ENV, ENV_DEFAULTS, formatEnvDefault, parseAuthnModeEnv, parsePortEnv } from './env.js'
import { formatContractTable } from './table.js'

describe('parsePortEnv', () => {
  it('returns the default when unset or empty', () => {
    expect(parsePortEnv(ENV.sidecarPublicPort, undefined, 9100)).toEqual({ ok: true, value: 9100 })
    expect(parsePortEnv(ENV.sidecarPublicPort, '  ', 9100)).toEqual({ ok: true, value: 9100 })
  })

  it('accepts a decimal port', () => {
    expect(parsePortEnv(ENV.sidecarPort, '17777', 7777)).toEqual({ ok: true, value: 17777 })
  })

  it.each([
    ['abc', 'not an integer'],
    ['12.5', 'not an integer'],
    ['-1', 'not an integer'],
    ['0x10', 'not an integer'],
    ['1e3', 'not an integer'],
    ['0', 'out of range'],
    ['65536', 'out of range'],
    ['999999999999', 'out of range'],
  ])('rejects %j naming the variable and the value', (raw, reason) => {
    const result = parsePortEnv(ENV.sidecarPublicPort, raw, 9100)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toContain('SEI_SIDECAR_PUBLIC_PORT')
    expect(result.error).toContain(JSON.stringify(raw))
    expect(result.error).toContain(reason)
  })
})

describe('parseAuthnModeEnv', () => {
  it('defaults to trusted-header', () => {
    expect(parseAuthnModeEnv(undefined)).toEqual({ ok: true, value: 'trusted-header' })
    expect(ENV_DEFAULTS.sidecarAuthnMode).toBe('trusted-header')
  })

  it('accepts unauthenticated', () => {
    expect(parseAuthnModeEnv('unauthenticated')).toEqual({ ok: true, value: 'unauthenticated' })
  })

  it('rejects an unknown mode naming the variable, the value and the choices', () => {
    const result = parseAuthnModeEnv('none')
    expect(result).toEqual({
      ok: false,
      error: 'SEI_SIDECAR_AUTHN_MODE="none": unknown mode; expected one of trusted-header, unauthenticated',
    })
  })
})

describe('ENV_DEFAULTS', () => {
  it('has one default (or required) for every sidecar variable, printed by formatEnvDefault', () => {
    for (const key of Object.keys(ENV) as Array<keyof typeof ENV>) expect(key in ENV_DEFAULTS).toBe(true)
    expect(formatEnvDefault('seidRpcUrl')).toBe('http://127.0.0.1:26657')
    expect(formatEnvDefault('chainId')).toBe('(required)')
    expect(formatContractTable()).toMatch(/SEI_SIDECAR_SEID_RPC_URL\s+http:\/\/127\.0\.0\.1:26657/)
    expect(formatContractTable()).not.toContain('(unset)')
  })
})
