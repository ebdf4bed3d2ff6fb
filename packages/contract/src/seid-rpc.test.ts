import { expect, it } from 'vitest'
import { SEID_PORTS } from './ports.js'
import { SEID_RPC_DEFAULT_URL } from './seid-rpc.js'

it('points the default seid RPC URL at the rpc port on loopback', () => {
  const url = new URL(SEID_RPC_DEFAULT_URL)
  expect(url.hostname).toBe('127.0.0.1')
  expect(Number(url.port)).toBe(SEID_PORTS.rpc.port)
})
