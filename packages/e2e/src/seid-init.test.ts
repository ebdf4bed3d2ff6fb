import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildAll,
  DEFAULT_PLATFORM,
  parseYamlStream,
  readSeiNodes,
  type StatefulSet,
} from '@sei-k8s/controller'
import { describe, expect, it } from 'vitest'
import { controllerExample } from './package-files.js'
import { initSeidHome, seidInitArgs } from './seid-init.js'

describe('the seid-init stand-in', () => {
  it("reads moniker and chain id from the rendered seid-init command and writes seid init's config files", () => {
    const [node] = readSeiNodes(parseYamlStream(controllerExample('full-node.yaml')))
    if (!node) throw new Error('no SeiNode in full-node.yaml')
    const sts = buildAll(node, DEFAULT_PLATFORM).find((o): o is StatefulSet => o.kind === 'StatefulSet')
    const args = seidInitArgs(sts?.spec.template.spec ?? { containers: [] })
    expect(args).toEqual({ moniker: 'pacific-1-rpc-0', chainId: 'pacific-1' })
    const home = mkdtempSync(join(tmpdir(), 'sei-e2e-unit-'))
    try {
      initSeidHome(home, args)
      expect(readFileSync(join(home, 'config', 'client.toml'), 'utf8')).toBe('chain-id = "pacific-1"\n')
      expect(readFileSync(join(home, 'config', 'config.toml'), 'utf8')).toContain(
        'moniker = "pacific-1-rpc-0"',
      )
      expect(readFileSync(join(home, 'config', 'app.toml'), 'utf8')).not.toBe('')
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('refuses a pod without seid init', () => {
    expect(() => seidInitArgs({ containers: [] })).toThrow(/seid-init runs no "seid init"/)
  })
})
