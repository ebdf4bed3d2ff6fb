import { SIDECAR_MALLOC_ENV } from '@sei-k8s/contract'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

const base = { SEI_CHAIN_ID: 'pacific-1' }

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    expect(loadConfig(base)).toEqual({
      ok: true,
      config: {
        tasksPort: 7777,
        publicPort: 9100,
        authnMode: 'trusted-header',
        isLegacyPublicOnTasks: false,
        home: '/sei',
        chainId: 'pacific-1',
        seidRpcUrl: 'http://127.0.0.1:26657',
        retention: { maxAgeHours: 168, maxCount: 10_000 },
        hasNodeOptions: false,
        hasMallocEnv: false,
      },
    })
  })

  it('returns a frozen config', () => {
    const result = loadConfig(base)
    expect(result.ok && Object.isFrozen(result.config)).toBe(true)
  })

  it('reads every variable', () => {
    const result = loadConfig({
      ...base,
      SEI_SIDECAR_PORT: '17777',
      SEI_SIDECAR_PUBLIC_PORT: '19100',
      SEI_SIDECAR_AUTHN_MODE: 'unauthenticated',
      SEI_SIDECAR_LEGACY_PUBLIC_PATHS: 'true',
      SEI_SIDECAR_SEID_RPC_URL: 'http://127.0.0.1:3000/',
      SEI_HOME: '/data/sei',
      SEI_SIDECAR_TASK_RETENTION_HOURS: '24',
      SEI_SIDECAR_TASK_RETENTION_COUNT: '500',
      NODE_OPTIONS: '--max-semi-space-size=2',
      ...SIDECAR_MALLOC_ENV,
    })
    expect(result).toMatchObject({
      ok: true,
      config: {
        tasksPort: 17777,
        publicPort: 19100,
        authnMode: 'unauthenticated',
        isLegacyPublicOnTasks: true,
        home: '/data/sei',
        seidRpcUrl: 'http://127.0.0.1:3000',
        retention: { maxAgeHours: 24, maxCount: 500 },
        hasNodeOptions: true,
        hasMallocEnv: true,
      },
    })
  })

  it.each([
    [{ SEI_SIDECAR_PUBLIC_PORT: 'abc' }, 'SEI_SIDECAR_PUBLIC_PORT="abc": not an integer port number'],
    [{ SEI_SIDECAR_PORT: '70000' }, 'SEI_SIDECAR_PORT="70000": port out of range 1-65535'],
    [
      { SEI_SIDECAR_PORT: '9100' },
      'SEI_SIDECAR_PORT="9100" and SEI_SIDECAR_PUBLIC_PORT="9100": the two listeners need different ports',
    ],
    [{ SEI_SIDECAR_AUTHN_MODE: 'none' }, 'SEI_SIDECAR_AUTHN_MODE="none": unknown mode'],
    [
      { SEI_SIDECAR_LEGACY_PUBLIC_PATHS: 'yes please' },
      'SEI_SIDECAR_LEGACY_PUBLIC_PATHS="yes please": expected true or false',
    ],
    [{ SEI_SIDECAR_SEID_RPC_URL: 'ftp://x' }, 'SEI_SIDECAR_SEID_RPC_URL="ftp://x": expected an http(s) URL'],
    [
      { SEI_SIDECAR_TASK_RETENTION_HOURS: '0' },
      'SEI_SIDECAR_TASK_RETENTION_HOURS="0": expected a whole number',
    ],
    [
      { SEI_SIDECAR_TASK_RETENTION_COUNT: '-5' },
      'SEI_SIDECAR_TASK_RETENTION_COUNT="-5": expected a whole number',
    ],
    [{ SEI_HOME: 'relative/dir' }, 'SEI_HOME="relative/dir": must be an absolute path'],
    [{ SEI_CHAIN_ID: 'has space' }, 'SEI_CHAIN_ID="has space"'],
  ])('rejects %j naming the variable and the value', (env, message) => {
    const result = loadConfig({ ...base, ...env })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.join('\n')).toContain(message)
  })

  it('requires the chain id', () => {
    expect(loadConfig({})).toEqual({
      ok: false,
      errors: ['SEI_CHAIN_ID is required (the chain id this node joins); it is unset'],
    })
  })

  it('reports every problem at once', () => {
    const result = loadConfig({
      SEI_SIDECAR_PORT: 'x',
      SEI_SIDECAR_PUBLIC_PORT: '0',
      SEI_SIDECAR_AUTHN_MODE: 'y',
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors).toHaveLength(4)
  })
})
