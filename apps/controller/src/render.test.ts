import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { toYamlStream } from '@sei-k8s/policy'
import { describe, expect, it } from 'vitest'
import { hasCode } from './errors.js'
import { DEFAULT_PLATFORM } from './platform.js'
import { renderSeiNodes } from './render.js'

const EXAMPLES = new URL('../examples/', import.meta.url)
const GOLDEN = new URL('../testdata/render/', import.meta.url)
const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'platform.yaml')

function details(run: () => unknown): readonly string[] {
  try {
    run()
  } catch (error) {
    if (hasCode(error, 'INVALID_SEINODE') || hasCode(error, 'INVALID_INPUT')) return error.details
    throw error
  }
  throw new Error('expected an error')
}

describe('renderSeiNodes', () => {
  it.each(exampleFiles)(
    'renders examples/%s exactly as its golden file (UPDATE_GOLDEN=1 rewrites)',
    (file) => {
      const out = toYamlStream(
        renderSeiNodes(readFileSync(new URL(file, EXAMPLES), 'utf8'), DEFAULT_PLATFORM),
      )
      const golden = new URL(file, GOLDEN)
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, out)
      expect(out).toBe(readFileSync(golden, 'utf8'))
    },
  )

  it('renders several documents and kind: List items in input order, skipping empty documents', () => {
    const doc = (name: string) =>
      `apiVersion: sei.io/v1alpha1\nkind: SeiNode\nmetadata: {name: ${name}}\nspec: {chainId: c, image: i, seed: {}}\n`
    const list = `apiVersion: v1\nkind: List\nitems:\n  - ${JSON.stringify({
      apiVersion: 'sei.io/v1alpha1',
      kind: 'SeiNode',
      metadata: { name: 'c' },
      spec: { chainId: 'c', image: 'i', seed: {} },
    })}\n`
    const objects = renderSeiNodes(`${doc('a')}---\n---\n${doc('b')}---\n${list}`, DEFAULT_PLATFORM)
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/a-rbac-proxy-config',
      'Service/a',
      'StatefulSet/a',
      'ConfigMap/b-rbac-proxy-config',
      'Service/b',
      'StatefulSet/b',
      'ConfigMap/c-rbac-proxy-config',
      'Service/c',
      'StatefulSet/c',
    ])
  })

  it('reports every bad field of every document, naming the document and the field', () => {
    const text = [
      'apiVersion: sei.io/v1alpha1\nkind: SeiNode\nmetadata: {name: one}\nspec: {image: i, fullNode: {}, seed: {}}',
      'apiVersion: sei.io/v1alpha1\nkind: SeiNode\nmetadata: {name: two}\nspec: {chainId: Two, image: i, fullNode: {}, sidecar: {publicPort: 7777}}',
    ].join('\n---\n')
    expect(details(() => renderSeiNodes(text, DEFAULT_PLATFORM))).toEqual([
      'document 1 (SeiNode "one"): spec.chainId: required field is missing',
      'document 1 (SeiNode "one"): spec: exactly one of fullNode, validator, archive, seed, replayer must be set',
      'document 2 (SeiNode "two"): spec.chainId: must be a DNS-1123 label (lowercase alphanumerics and \'-\', alphanumeric at both ends); got "Two"',
      'document 2 (SeiNode "two"): spec.sidecar.publicPort: publicPort must differ from port (the loopback tasks listener, default 7777)',
    ])
  })

  it('reports YAML syntax errors with the document number', () => {
    const [first] = details(() => renderSeiNodes('a: 1\n---\nb: [unclosed\n', DEFAULT_PLATFORM))
    expect(first).toMatch(/^document 2: /)
  })
})
