/**
 * `restart-seid`: SIGTERM the `seid` process in the pod's shared process namespace (found through
 * /proc, which `shareProcessNamespace: true` makes visible) and wait until it exits; kubelet then
 * restarts the container. Result `{pid}`.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { defineTask, type TaskContext } from '../registry.js'

const SEID_PROCESS_NAME = 'seid'
const POLL_MS = 100

interface ProcInfo {
  readonly pid: number
  readonly ppid: number
  /** Start time in clock ticks since boot: tells a reused pid apart from the process we signalled. */
  readonly startTime: string
  readonly state: string
}

/** Parses /proc/<pid>/stat; the command may contain spaces and parentheses, so split after the last ')'. */
export function parseProcStat(pid: number, text: string): ProcInfo | undefined {
  const end = text.lastIndexOf(')')
  if (end < 0) return undefined
  const fields = text.slice(end + 2).split(' ')
  const state = fields[0]
  const ppid = Number(fields[1])
  const startTime = fields[19]
  if (state === undefined || startTime === undefined || !Number.isInteger(ppid)) return undefined
  return { pid, ppid, state, startTime }
}

async function readProc(procRoot: string, pid: number): Promise<ProcInfo | undefined> {
  try {
    return parseProcStat(pid, await readFile(join(procRoot, String(pid), 'stat'), 'utf8'))
  } catch {
    return undefined // gone (or not ours to read)
  }
}

/** Every live process whose command name is exactly `name`. */
export async function findProcesses(procRoot: string, name: string): Promise<ProcInfo[]> {
  const found: ProcInfo[] = []
  for (const entry of await readdir(procRoot)) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue
    const comm = await readFile(join(procRoot, entry, 'comm'), 'utf8').catch(() => '')
    if (comm.trim() !== name) continue
    const info = await readProc(procRoot, Number(entry))
    // A zombie has exited already; signalling it restarts nothing.
    if (info && info.state !== 'Z') found.push(info)
  }
  return found
}

async function hasExited(procRoot: string, target: ProcInfo): Promise<boolean> {
  const now = await readProc(procRoot, target.pid)
  return now === undefined || now.startTime !== target.startTime || now.state === 'Z'
}

/** Default time `restart-seid` waits for seid to exit after SIGTERM. */
export const RESTART_TIMEOUT_SECONDS = 60

/**
 * SIGTERMs the one seid process and waits until it exited or `deadlineMs` passed (`budget` words it
 * in the error, e.g. "within 60s"); returns its pid.
 * Throws naming the problem: no seid, several (refusing to guess), or still alive at the deadline.
 */
export async function stopSeid(ctx: TaskContext, deadlineMs: number, budget: string): Promise<number> {
  const found = await findProcesses(ctx.procRoot, SEID_PROCESS_NAME)
  // A seid child (a fork not yet exec'd, or a helper it spawned) goes down with its parent.
  const pids = new Set(found.map((p) => p.pid))
  const processes = found.filter((p) => !pids.has(p.ppid))
  const [target, ...others] = processes
  if (target === undefined) {
    throw new Error(
      `no running process named ${SEID_PROCESS_NAME} in ${ctx.procRoot} (is shareProcessNamespace enabled and seid started?)`,
    )
  }
  if (others.length > 0) {
    throw new Error(
      `${processes.length} processes named ${SEID_PROCESS_NAME}: ${processes.map((p) => p.pid).join(', ')}; refusing to guess`,
    )
  }
  process.kill(target.pid, 'SIGTERM')
  ctx.log.info({ taskId: ctx.taskId, pid: target.pid }, 'sent SIGTERM to seid')
  while (!(await hasExited(ctx.procRoot, target))) {
    if (Date.now() >= deadlineMs) {
      throw new Error(`seid (pid ${target.pid}) did not exit ${budget} after SIGTERM`)
    }
    await ctx.sleep(POLL_MS, ctx.signal)
  }
  return target.pid
}

export const restartSeid = defineTask({
  type: 'restart-seid',
  summary: 'SIGTERM the seid process (shared process namespace) and wait for it to exit; result {pid}',
  paramsSchema: Type.Object(
    { timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })) },
    { additionalProperties: false },
  ),
  timeoutSeconds: (params) => params.timeoutSeconds ?? RESTART_TIMEOUT_SECONDS,
  run: async (params, ctx) => {
    const timeoutSeconds = params.timeoutSeconds ?? RESTART_TIMEOUT_SECONDS
    const deadlineMs = ctx.deadlineMs ?? Date.now() + timeoutSeconds * 1000
    return { pid: await stopSeid(ctx, deadlineMs, `within ${timeoutSeconds}s`) }
  },
})
