/** `generate-identity`: create the node key if absent; never replaces an existing one. */
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'
import { createFileAtomic } from './atomic-write.js'
import { generateNodeKeyJson, nodeIdFromKeyJson, nodeKeyPath, readNodeId } from './node-key.js'

export const generateIdentity = defineTask({
  type: 'generate-identity',
  summary: 'create <SEI_HOME>/config/node_key.json (ed25519) if absent; result {nodeId, created}',
  paramsSchema: Type.Object({}, { additionalProperties: false }),
  run: async (_params, ctx) => {
    const existing = await readNodeId(ctx.home)
    if (existing !== undefined) return { nodeId: existing, created: false }
    const json = generateNodeKeyJson()
    const created = await createFileAtomic(nodeKeyPath(ctx.home), json, 0o600)
    // Lost a race with another writer: report the key that won.
    const nodeId = created ? nodeIdFromKeyJson(json) : await readNodeId(ctx.home)
    return { nodeId, created }
  },
})
