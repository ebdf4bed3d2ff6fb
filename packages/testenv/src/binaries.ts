import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { binaryFileName, buildCommand, mergeEnv } from './build-commands.js'
import { type Env, resolveCacheDir } from './env.js'
import { TestenvError } from './errors.js'
import { TOOL_NAMES, TOOLS, type ToolName, type ToolSpec } from './versions.js'

export type BinaryPaths = Readonly<Record<ToolName, string>>
export type Log = (line: string) => void

export interface BinariesOptions {
  /** Environment to read SEI_TESTENV_CACHE / XDG_CACHE_HOME from and to pass to `go`. */
  readonly env?: Env
  /** Progress lines (build start, heartbeat, done). Default: silent. */
  readonly log?: Log
  /** How often a running build reports that it is still running. */
  readonly heartbeatMs?: number
  /** Only these tools (default: all); e.g. the apiserver-only plane needs etcd + kube-apiserver. */
  readonly tools?: readonly ToolName[]
}

/** GO_DIR is `packages/testenv/go`, found relative to this file in both `src/` and `dist/`. */
export const GO_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'go')

function cacheDirOf(options: BinariesOptions): string {
  return resolveCacheDir(options.env ?? process.env, homedir())
}

/** binaryPaths returns where each pinned binary lives in the cache (whether or not it exists). */
export function binaryPaths(options: BinariesOptions = {}): BinaryPaths {
  const dir = cacheDirOf(options)
  const entries = TOOL_NAMES.map((name) => [name, join(dir, binaryFileName(TOOLS[name]))] as const)
  return Object.fromEntries(entries) as Record<ToolName, string>
}

/** missingBinaries lists the tools (of `options.tools`, default all) whose pinned binary is not in the cache. */
export function missingBinaries(options: BinariesOptions = {}): ToolName[] {
  const paths = binaryPaths(options)
  const wanted = options.tools ?? TOOL_NAMES
  return TOOL_NAMES.filter((name) => wanted.includes(name) && !existsSync(paths[name]))
}

/**
 * findBinaries returns the cached binaries without building anything.
 * Throws TESTENV_BINARIES_MISSING naming the build command when one of `options.tools` is missing.
 */
export function findBinaries(options: BinariesOptions = {}): BinaryPaths {
  const missing = missingBinaries(options)
  if (missing.length > 0) {
    const paths = binaryPaths(options)
    const list = missing.map((name) => paths[name]).join(', ')
    throw new TestenvError('binariesMissing', `not built yet: ${list}`)
  }
  return binaryPaths(options)
}

function goVersion(env: NodeJS.ProcessEnv): string {
  const result = spawnSync('go', ['version'], { encoding: 'utf8', env })
  if (result.error || result.status !== 0) {
    throw new TestenvError('goMissing', 'the Go toolchain (`go`) is needed to build the test binaries', {
      cause: result.error,
    })
  }
  return result.stdout.trim()
}

/**
 * ensureBinaries builds every pinned binary that is not cached yet, one at a time (a cold build of
 * kube-apiserver takes many minutes on 2 cores), and returns all paths. A warm cache builds nothing
 * and does not even need Go. Each build logs to `<cache>/logs/<binary>-<version>.log`; a failure
 * throws TESTENV_BUILD_FAILED naming that file. A partial build never lands in the cache.
 */
export async function ensureBinaries(options: BinariesOptions = {}): Promise<BinaryPaths> {
  const missing = missingBinaries(options)
  const log = options.log ?? (() => {})
  const paths = binaryPaths(options)
  if (missing.length === 0) return paths
  const cacheDir = cacheDirOf(options)
  const env = options.env ?? process.env
  mkdirSync(join(cacheDir, 'logs'), { recursive: true })
  log(`testenv: ${goVersion(mergeEnv(env, {}, homedir()))}; building ${missing.join(', ')} into ${cacheDir}`)
  for (const name of missing)
    await buildTool(TOOLS[name], paths[name], cacheDir, env, log, options.heartbeatMs ?? 30_000)
  return paths
}

/** buildTool builds one tool into `target` (atomically), logging to `<cache>/logs/`. */
export async function buildTool(
  tool: ToolSpec,
  target: string,
  cacheDir: string,
  env: Env,
  log: Log,
  heartbeatMs: number,
): Promise<void> {
  const logFile = join(cacheDir, 'logs', `${binaryFileName(tool)}.log`)
  const scratch = join(cacheDir, `.build-${binaryFileName(tool)}-${process.pid}`)
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  const outFile = join(scratch, tool.binary)
  const cmd = buildCommand(tool, { goDir: GO_DIR, outFile })
  const started = Date.now()
  log(`testenv: building ${tool.binary} ${tool.version} (log: ${logFile})`)
  const timer = setInterval(() => {
    log(`testenv: still building ${tool.binary} (${Math.round((Date.now() - started) / 1000)}s)`)
  }, heartbeatMs)
  try {
    const code = await runToLog(cmd.command, cmd.args, cmd.cwd, mergeEnv(env, cmd.env, homedir()), logFile)
    if (code !== 0) {
      throw new TestenvError('buildFailed', `building ${tool.binary} ${tool.version} exited with ${code}`, {
        logFile,
      })
    }
    // rename is atomic within one filesystem: a reader sees no binary or the whole binary.
    renameSync(outFile, target)
    log(`testenv: built ${tool.binary} ${tool.version} in ${Math.round((Date.now() - started) / 1000)}s`)
  } finally {
    clearInterval(timer)
    rmSync(scratch, { recursive: true, force: true })
  }
}

function runToLog(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile)
    out.write(`$ (cd ${cwd} && ${command} ${args.join(' ')})\n`)
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.pipe(out, { end: false })
    child.stderr.pipe(out, { end: false })
    child.on('error', (error) => {
      out.end()
      reject(
        new TestenvError('goMissing', `could not start ${command}: ${error.message}`, {
          cause: error,
          logFile,
        }),
      )
    })
    child.on('close', (code) => {
      out.end(() => resolve(code ?? 1))
    })
  })
}
