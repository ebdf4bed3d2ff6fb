import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { formatContractTable } from './table.js'
import { CONTRACT_VERSION } from './version.js'

it('keeps CONTRACT_VERSION equal to the package version', () => {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  expect(pkg).toMatchObject({ version: CONTRACT_VERSION })
})

it('prints every listener, env name and public path in the contract table', () => {
  const table = formatContractTable()
  for (const text of [
    '127.0.0.1:7777',
    '[::]:9100',
    '0.0.0.0:8443',
    'SEI_SIDECAR_PUBLIC_PORT',
    '/v0/startupz',
  ]) {
    expect(table).toContain(text)
  }
})

it('runs the test processes on Node 24 or newer (the bootstrapped toolchain)', () => {
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24)
})
