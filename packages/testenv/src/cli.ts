#!/usr/bin/env node
// sei-testenv build | up [--cluster [--nodes N]] | down | status  — see packages/testenv/README.md.
// Exit codes: 0 ok, 1 failure, 2 usage.
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { binaryPaths, ensureBinaries } from './binaries.js'
import { TestenvError } from './errors.js'
import { createKubeHttp } from './kube-http.js'
import { startControlPlane } from './plane.js'
import { isPidAlive, stopPid } from './process.js'
import {
  exportLines,
  pidRunsBinary,
  processRecords,
  readState,
  removeState,
  stateFile,
  writeState,
} from './state.js'

const USAGE = `usage: sei-testenv <command> [--state-dir DIR]
  build    build the pinned binaries into the cache (no-op when cached)
  up       start etcd + kube-apiserver in the background; prints export lines
           --cluster    also kube-controller-manager, kube-scheduler and kwok fake nodes
           --nodes N    fake nodes in cluster mode (default 1)
  down     stop exactly the processes \`up\` started (last started first)
  status   show whether they are running and ready`

const err = (line: string): void => {
  process.stderr.write(`${line}\n`)
}
const out = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

interface Args {
  readonly command: string | undefined
  readonly stateDir: string
  /** Number of kwok nodes when `--cluster` was given. */
  readonly clusterNodes: number | undefined
}

/** parseArgs: argv → Args; a malformed `--nodes` or a stray argument leaves `command` undefined (usage). */
function parseArgs(argv: readonly string[]): Args {
  let stateDir = '.testenv'
  let cluster = false
  let nodes = '1'
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--state-dir') stateDir = argv[++i] ?? stateDir
    else if (arg.startsWith('--state-dir=')) stateDir = arg.slice('--state-dir='.length)
    else if (arg === '--cluster') cluster = true
    else if (arg === '--nodes') nodes = argv[++i] ?? ''
    else if (arg.startsWith('--nodes=')) nodes = arg.slice('--nodes='.length)
    else rest.push(arg)
  }
  const count = /^[1-9]\d*$/.test(nodes) ? Number(nodes) : undefined
  const valid = rest.length === 1 && count !== undefined && (!cluster || rest[0] === 'up')
  return {
    command: valid ? rest[0] : undefined,
    stateDir: resolve(stateDir),
    clusterNodes: cluster ? count : undefined,
  }
}

async function build(): Promise<void> {
  const started = Date.now()
  const paths = await ensureBinaries({ log: err })
  for (const [name, path] of Object.entries(paths)) out(`${name}\t${path}`)
  err(`testenv: binaries ready in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}

async function up(stateDir: string, clusterNodes: number | undefined): Promise<void> {
  try {
    const state = readState(stateDir)
    if (isPidAlive(state.info.pids.apiserver)) {
      err(`testenv: already up (pid ${state.info.pids.apiserver}); run \`down\` first`)
      for (const line of exportLines(state.info)) out(line)
      return
    }
  } catch (error) {
    if (!(error instanceof TestenvError && error.kind === 'stateMissing')) throw error
  }
  const dir = join(stateDir, 'plane')
  rmSync(dir, { recursive: true, force: true })
  const started = Date.now()
  const plane = await startControlPlane({
    dir,
    detached: true,
    keepDir: true,
    log: err,
    ...(clusterNodes ? { cluster: { nodes: clusterNodes } } : {}),
  })
  plane.kube.close()
  writeState(stateDir, { info: plane.info, processes: processRecords(plane.info, binaryPaths()) })
  err(`testenv: up in ${((Date.now() - started) / 1000).toFixed(1)}s; state in ${stateFile(stateDir)}`)
  for (const line of exportLines(plane.info)) out(line)
}

async function down(stateDir: string): Promise<void> {
  const state = readState(stateDir)
  // reverse start order: the apiserver's clients, then the apiserver, then etcd
  for (const target of [...state.processes].reverse()) {
    if (!isPidAlive(target.pid)) {
      err(`testenv: ${target.name} (pid ${target.pid}) already gone`)
    } else if (!pidRunsBinary(target.pid, target.binary)) {
      err(`testenv: pid ${target.pid} no longer runs ${target.name}; not touching it`)
    } else {
      await stopPid(target.pid)
      err(`testenv: stopped ${target.name} (pid ${target.pid})`)
    }
  }
  removeState(stateDir)
  rmSync(join(stateDir, 'plane'), { recursive: true, force: true })
}

async function status(stateDir: string): Promise<boolean> {
  const state = readState(stateDir)
  let allAlive = true
  for (const p of state.processes) {
    const alive = isPidAlive(p.pid)
    allAlive &&= alive
    const where = p.name === 'kube-apiserver' ? `\t${state.info.apiUrl}` : ''
    out(`${p.name}\tpid ${p.pid}\t${alive ? 'running' : 'gone'}${where}`)
  }
  if (state.info.nodeNames.length > 0) out(`nodes\t${state.info.nodeNames.join(',')}`)
  if (!isPidAlive(state.info.pids.apiserver)) return false
  const kube = createKubeHttp({
    apiUrl: state.info.apiUrl,
    ca: readFileSync(state.info.caFile, 'utf8'),
    token: state.info.adminToken,
  })
  try {
    const ready = (await kube.request('GET', '/readyz')).status === 200
    out(`readyz\t${ready ? 'ok' : 'not ready'}`)
    return ready && allAlive
  } finally {
    kube.close()
  }
}

async function main(): Promise<number> {
  const { command, stateDir, clusterNodes } = parseArgs(process.argv.slice(2))
  switch (command) {
    case 'build':
      await build()
      return 0
    case 'up':
      await up(stateDir, clusterNodes)
      return 0
    case 'down':
      await down(stateDir)
      return 0
    case 'status':
      return (await status(stateDir)) ? 0 : 1
    default:
      err(USAGE)
      return 2
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(error instanceof Error ? error.message : String(error))
    process.exit(1)
  },
)
