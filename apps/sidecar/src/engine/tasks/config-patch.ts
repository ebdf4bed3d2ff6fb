/**
 * `config-patch`: deep-merge JSON patches into seid's TOML config files, each replaced atomically and
 * durably with its mode and owner kept. Comments, untouched keys and exact int64 values survive (see
 * toml-files.ts). Everything is rendered and checked before the first write: a value TOML cannot hold,
 * a symlinked file or an oversized result fails the task with every file unchanged.
 *
 * Lost updates are prevented by the engine, not here: config-writing tasks share one lane
 * (`CONFIG_LANE`), so their read-merge-write runs one at a time in submission order.
 */
import { SIDECAR_LIMITS } from '@sei-k8s/contract'
import { Type } from '@sinclair/typebox'
import { defineTask } from '../registry.js'
import { writeFileAtomic } from './atomic-write.js'
import {
  CONFIG_FILES,
  type ConfigFile,
  configFilePath,
  deepMerge,
  findUnencodable,
  readTomlFile,
  renderToml,
  type TomlTable,
} from './toml-files.js'

/** Tasks that read-merge-write the config files: run one at a time, in submission order. */
export const CONFIG_LANE = 'config-files'

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

interface Rendered {
  readonly path: string
  readonly text: string
  readonly meta: { mode: number; uid?: number; gid?: number }
}

/** Reads, merges and renders one file without writing; throws naming the file and field. */
export async function renderPatch(home: string, file: ConfigFile, patch: TomlTable): Promise<Rendered> {
  const problem = findUnencodable(patch, `files["${file}"]`)
  if (problem) throw new Error(problem)
  const path = configFilePath(home, file)
  const current = await readTomlFile(path)
  const merged = deepMerge(current?.table ?? {}, patch)
  let text: string
  try {
    text = renderToml(current?.text, merged)
  } catch (error) {
    throw new Error(`encoding ${file}: ${(error as Error).message}`, { cause: error })
  }
  if (!text.endsWith('\n')) text += '\n'
  const bytes = Buffer.byteLength(text)
  if (bytes > SIDECAR_LIMITS.maxConfigFileBytes) {
    throw new Error(
      `${file} would be ${bytes} bytes, over the limit of ${SIDECAR_LIMITS.maxConfigFileBytes}; nothing written`,
    )
  }
  const meta = current ? { mode: current.mode, uid: current.uid, gid: current.gid } : { mode: 0o644 }
  return { path, text, meta }
}

export const configPatch = defineTask({
  type: 'config-patch',
  summary: `deep-merge {files: {${CONFIG_FILES.join('|')}: {...}}} into <SEI_HOME>/config/, atomically`,
  paramsSchema: Params,
  lane: CONFIG_LANE,
  run: async (params, ctx) => {
    const entries = CONFIG_FILES.flatMap((file) => {
      const patch = params.files[file]
      return patch === undefined ? [] : [[file, patch] as const]
    })
    // Render everything first: an encoding error leaves every file untouched.
    const rendered: Rendered[] = []
    for (const [file, patch] of entries) rendered.push(await renderPatch(ctx.home, file, patch))
    for (const { path, text, meta } of rendered) {
      ctx.signal.throwIfAborted()
      await writeFileAtomic(path, text, meta)
    }
    return { patched: entries.map(([file]) => file) }
  },
})
