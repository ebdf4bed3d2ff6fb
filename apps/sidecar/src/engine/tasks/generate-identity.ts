/**
 * `generate-identity`: create the node key if absent (never replaces an existing one). Accepts the
 * upstream Go client's shape `{chainId, moniker}`: `chainId` must equal SEI_CHAIN_ID (a client pointed
 * at the wrong node fails instead of configuring it), and `moniker` is written to `config.toml`
 * through the same faithful, atomic patch as `config-patch` (hence the same lane).
 */
import { ENV } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'
import { createFileAtomic, writeFileAtomic } from './atomic-write.js'
import { CONFIG_LANE, renderPatch } from './config-patch.js'
import { generateNodeKeyJson, nodeIdFromKeyJson, nodeKeyPath, readNodeId } from './node-key.js'

export const generateIdentity = defineTask({
  type: 'generate-identity',
  summary:
    'create <SEI_HOME>/config/node_key.json (ed25519) if absent; {chainId?, moniker?}: chainId must match, ' +
    'moniker goes to config.toml; result {nodeId, created}',
  paramsSchema: Type.Object(
    {
      chainId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
      moniker: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    },
    { additionalProperties: false },
  ),
  lane: CONFIG_LANE,
  run: async (params, ctx) => {
    if (params.chainId !== undefined && params.chainId !== ctx.chainId) {
      throw new Error(
        `params.chainId is ${JSON.stringify(params.chainId)}, but this node joins ${JSON.stringify(ctx.chainId)} (${ENV.chainId})`,
      )
    }
    if (params.moniker !== undefined) {
      const rendered = await renderPatch(ctx.home, 'config.toml', { moniker: params.moniker })
      ctx.signal.throwIfAborted()
      await writeFileAtomic(rendered.path, rendered.text, rendered.meta)
    }
    const existing = await readNodeId(ctx.home)
    if (existing !== undefined) return { nodeId: existing, created: false }
    const json = generateNodeKeyJson()
    const created = await createFileAtomic(nodeKeyPath(ctx.home), json, 0o600)
    // Lost a race with another writer: report the key that won.
    const nodeId = created ? nodeIdFromKeyJson(json) : await readNodeId(ctx.home)
    return { nodeId, created }
  },
})
