/**
 * `render`: SeiNode YAML in, the exact objects the controller would apply out. Offline and pure: the
 * caller reads the files and writes the output. Every bad field of every document is reported, not
 * just the first.
 */
import { CRD } from '@sei-k8s/contract'
import { parseAllDocuments } from 'yaml'
import type { SeiNode } from './api/seinode.js'
import { formatFieldError, validateSeiNode } from './api/validate.js'
import { ControllerError, ERROR_CODES } from './errors.js'
import { buildAll, type NodeObject } from './noderesource/index.js'
import type { PlatformConfig } from './platform.js'

function describeDocument(index: number, value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name
  return typeof name === 'string' ? `document ${index + 1} (${CRD.kind} "${name}")` : `document ${index + 1}`
}

/** Parses a YAML stream into its documents' values; empty documents are dropped, `kind: List` expanded. */
export function parseYamlStream(text: string): unknown[] {
  const values: unknown[] = []
  const problems: string[] = []
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(`document ${index + 1}: ${e.message.split('\n')[0]}`)
      return
    }
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    const list = value as { kind?: unknown; items?: unknown }
    if (list.kind === 'List' && Array.isArray(list.items)) values.push(...list.items)
    else values.push(value)
  })
  if (problems.length > 0) {
    throw new ControllerError(ERROR_CODES.INVALID_INPUT, 'the input is not valid YAML', { details: problems })
  }
  return values
}

/** Validates every value as a SeiNode; throws INVALID_SEINODE listing every bad field of every document. */
export function readSeiNodes(values: readonly unknown[]): SeiNode[] {
  const nodes: SeiNode[] = []
  const problems: string[] = []
  values.forEach((value, index) => {
    const result = validateSeiNode(value)
    if (result.ok) nodes.push(result.value)
    else
      problems.push(...result.errors.map((e) => `${describeDocument(index, value)}: ${formatFieldError(e)}`))
  })
  if (problems.length > 0) {
    throw new ControllerError(ERROR_CODES.INVALID_SEINODE, `${problems.length} invalid field(s)`, {
      details: problems,
    })
  }
  return nodes
}

/** Renders a YAML stream of SeiNodes to their objects, node by node in input order. */
export function renderSeiNodes(text: string, platform: PlatformConfig): NodeObject[] {
  const nodes = readSeiNodes(parseYamlStream(text))
  return nodes.flatMap((node) => buildAll(node, platform))
}
