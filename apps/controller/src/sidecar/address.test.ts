import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SIDECAR_CLIENT } from '@sei-k8s/contract'
import { afterAll, describe, expect, it } from 'vitest'
import { createAddressing, fillTemplate } from './address.js'

const dir = mkdtempSync(join(tmpdir(), 'sidecar-address-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sidecar addressing', () => {
  it('fills the default template with pod 0 of the headless Service and the proxy port', () => {
    expect(fillTemplate(SIDECAR_CLIENT.urlTemplate, 'sei', 'rpc-0', 8443)).toBe(
      'http://rpc-0-0.rpc-0.sei.svc.cluster.local:8443',
    )
    expect(
      createAddressing({ template: SIDECAR_CLIENT.urlTemplate, mapPath: undefined }).baseUrl('a', 'b'),
    ).toBe('http://b-0.b.a.svc.cluster.local:8443')
  })

  it('consults the URL map first and re-reads it when it changes; a missing file falls back', () => {
    const path = join(dir, 'map.json')
    const addressing = createAddressing({ template: 'http://{name}.{namespace}:{port}', mapPath: path })
    expect(addressing.baseUrl('sei', 'n1')).toBe('http://n1.sei:8443')
    writeFileSync(path, JSON.stringify({ 'sei/n1': 'http://127.0.0.1:4001/' }))
    expect(addressing.baseUrl('sei', 'n1')).toBe('http://127.0.0.1:4001')
    expect(addressing.baseUrl('sei', 'n2')).toBe('http://n2.sei:8443')
    writeFileSync(
      path,
      JSON.stringify({ 'sei/n1': 'http://127.0.0.1:4001', 'sei/n2': 'http://127.0.0.1:4002' }),
    )
    utimesSync(path, new Date(), new Date(Date.now() + 5_000))
    expect(addressing.baseUrl('sei', 'n2')).toBe('http://127.0.0.1:4002')
  })

  it('names the file and the entry when the map is invalid', () => {
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify({ n1: 'http://127.0.0.1:1' }))
    const addressing = createAddressing({ template: 'http://x', mapPath: path })
    expect(() => addressing.baseUrl('sei', 'n1')).toThrow(`--sidecar-url-map ${path}: entry "n1"`)
  })
})
