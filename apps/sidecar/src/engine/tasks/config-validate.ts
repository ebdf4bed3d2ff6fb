/** `config-validate`: the three config files parse and client.toml's chain-id matches SEI_CHAIN_ID. */
import { ENV } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'
import { CONFIG_FILES, configFilePath, readTomlFile } from './toml-files.js'

export const configValidate = defineTask({
  type: 'config-validate',
  summary: `the three config files parse and client.toml chain-id equals ${ENV.chainId}`,
  paramsSchema: Type.Object({}, { additionalProperties: false }),
  run: async (_params, ctx) => {
    const problems: string[] = []
    let chainIdInFile: unknown
    for (const file of CONFIG_FILES) {
      const path = configFilePath(ctx.home, file)
      try {
        const read = await readTomlFile(path)
        if (read === undefined) problems.push(`${path}: missing`)
        else if (file === 'client.toml') chainIdInFile = read.table['chain-id']
      } catch (error) {
        problems.push((error as Error).message)
      }
    }
    if (problems.length === 0 && chainIdInFile !== ctx.chainId) {
      problems.push(
        `client.toml chain-id is ${JSON.stringify(chainIdInFile ?? null)}, expected ${JSON.stringify(ctx.chainId)} (${ENV.chainId})`,
      )
    }
    if (problems.length > 0) throw new Error(problems.join('; '))
    return { valid: true, chainId: ctx.chainId }
  },
})
