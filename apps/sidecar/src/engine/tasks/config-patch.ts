/** `config-patch`: deep-merge JSON patches into seid's TOML config files, each replaced atomically. */
import { Type } from '@sinclair/typebox'
import { stringify } from 'smol-toml'
import { defineTask } from '../registry.js'
import { writeFileAtomic } from './atomic-write.js'
import { CONFIG_FILES, configFilePath, deepMerge, readTomlFile } from './toml-files.js'

const Patch = Type.Record(Type.String({ minLength: 1 }), Type.Unknown())

const Params = Type.Object(
  {
    files: Type.Object(Object.fromEntries(CONFIG_FILES.map((file) => [file, Type.Optional(Patch)])), {
      additionalProperties: false,
      minProperties: 1,
    }),
  },
  { additionalProperties: false },
)

/** Null has no TOML encoding; find it before touching any file so a bad patch changes nothing. */
function findNull(value: unknown, path: string): string | undefined {
  if (value === null) return path
  if (typeof value !== 'object') return undefined
  for (const [key, child] of Object.entries(value)) {
    const found = findNull(child, `${path}.${key}`)
    if (found) return found
  }
  return undefined
}

export const configPatch = defineTask({
  type: 'config-patch',
  summary: `deep-merge {files: {${CONFIG_FILES.join('|')}: {...}}} into <SEI_HOME>/config/, atomically`,
  paramsSchema: Params,
  run: async (params, ctx) => {
    const entries = CONFIG_FILES.flatMap((file) => {
      const patch = params.files[file]
      return patch === undefined ? [] : [[file, patch] as const]
    })
    const rendered: Array<readonly [string, string]> = []
    for (const [file, patch] of entries) {
      const nullAt = findNull(patch, `files["${file}"]`)
      if (nullAt) throw new Error(`${nullAt}: null cannot be written to TOML`)
      const path = configFilePath(ctx.home, file)
      const merged = deepMerge((await readTomlFile(path)) ?? {}, patch)
      try {
        rendered.push([path, `${stringify(merged)}\n`])
      } catch (error) {
        throw new Error(`encoding ${file}: ${(error as Error).message}`, { cause: error })
      }
    }
    // Render everything first: an encoding error leaves every file untouched.
    for (const [path, text] of rendered) {
      ctx.signal.throwIfAborted()
      await writeFileAtomic(path, text)
    }
    return { patched: entries.map(([file]) => file) }
  },
})
