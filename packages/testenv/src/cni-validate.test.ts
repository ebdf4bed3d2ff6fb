import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GO_DIR } from './binaries.js'
import { buildCommand } from './build-commands.js'
import { CNI_MODULES, cniValidateTool, parseAnswer } from './cni-validate.js'

describe('cni-validate tool', () => {
  const goMod = readFileSync(join(GO_DIR, 'cni-validate', 'go.mod'), 'utf8')

  it.each(Object.values(CNI_MODULES))(
    'pins $module at the version its go.mod requires',
    ({ module, version }) => {
      const escaped = module.replaceAll('.', '\\.').replaceAll('/', '\\/')
      expect(new RegExp(`^\\s*(?:require\\s+)?${escaped} (v\\S+)`, 'm').exec(goMod)?.[1]).toBe(version)
    },
  )

  it('builds statically and reproducibly inside its own module, keyed by a hash of its sources', () => {
    const tool = cniValidateTool()
    expect(tool.version).toMatch(/^cilium-v1\.20\.2-src-[0-9a-f]{12}$/)
    expect(cniValidateTool().version).toBe(tool.version)
    const cmd = buildCommand(tool, { goDir: GO_DIR, outFile: '/tmp/out' })
    expect(cmd.args).toEqual(['build', '-trimpath', '-o', '/tmp/out', '.'])
    expect(cmd.cwd).toBe(join(GO_DIR, 'cni-validate'))
    expect(cmd.env).toMatchObject({ CGO_ENABLED: '0' })
  })

  it('checks the answer shape and reads an empty (null) matrix entry as no flows', () => {
    const answer = parseAnswer(
      JSON.stringify({
        objects: [
          { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'b', ok: true },
        ],
        matrix: { 'cilium.io/v2/CiliumNetworkPolicy': null, x: [{ from: 'h', to: 'a/p', port: 1 }] },
      }),
    )
    expect(answer.matrix).toEqual({
      'cilium.io/v2/CiliumNetworkPolicy': [],
      x: [{ from: 'h', to: 'a/p', port: 1 }],
    })
    expect(() => parseAnswer('{"objects": [{"kind": 1}]}')).toThrow(/no valid objects list/)
    expect(() => parseAnswer('not json')).toThrow(/not a JSON object/)
  })
})
