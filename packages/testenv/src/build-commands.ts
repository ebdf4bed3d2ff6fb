import { join } from 'node:path'
import type { Env } from './env.js'
import type { ToolSpec } from './versions.js'

/** A command to run, fully described: pure data so tests can check it without running Go. */
export interface Command {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
}

/** binaryFileName is the cache entry of one tool: `<binary>-<version>`, so versions never collide. */
export function binaryFileName(tool: ToolSpec): string {
  return `${tool.binary}-${tool.version}`
}

export interface BuildCommandOptions {
  /** `packages/testenv/go`: the folder holding the tools modules. */
  readonly goDir: string
  /** Where the binary is written; the caller renames it into the cache only after success. */
  readonly outFile: string
}

/**
 * buildCommand returns the `go build` that produces one tool inside its tools module: static
 * (CGO_ENABLED=0) and reproducible (-trimpath). GOWORK=off keeps a go.work file further up from
 * changing the pinned versions.
 */
export function buildCommand(tool: ToolSpec, options: BuildCommandOptions): Command {
  const vars = Object.entries(tool.source.linkerVars ?? {}).sort(([a], [b]) => a.localeCompare(b))
  const ldflags = vars.length > 0 ? [`-ldflags=${vars.map(([k, v]) => `-X ${k}=${v}`).join(' ')}`] : []
  return {
    command: 'go',
    args: ['build', '-trimpath', ...ldflags, '-o', options.outFile, tool.source.pkg],
    cwd: join(options.goDir, tool.source.moduleDir),
    env: { CGO_ENABLED: '0', GOWORK: 'off' },
  }
}

/** mergeEnv layers the build env over the caller's, adding HOME when a sandbox stripped it. */
export function mergeEnv(
  base: Env,
  extra: Readonly<Record<string, string>>,
  homeDir: string,
): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(base)) if (value !== undefined) merged[key] = value
  // go needs HOME (or GOCACHE/GOPATH) to find its caches; task runners with strict env may drop it.
  if (!merged['HOME']) merged['HOME'] = homeDir
  return { ...merged, ...extra }
}
