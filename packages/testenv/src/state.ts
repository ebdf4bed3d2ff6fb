import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BinaryPaths } from './binaries.js'
import { TESTENV_ENV } from './env.js'
import { TestenvError } from './errors.js'
import type { ControlPlaneInfo } from './plane.js'

/** One process `up` started: `down` signals the PID only while it still runs `binary`. */
export interface ProcessRecord {
  readonly name: string
  readonly pid: number
  readonly binary: string
}

/** What `up` leaves behind for `down` and `status`: the plane and its processes in start order. */
export interface PlaneState {
  readonly info: ControlPlaneInfo
  readonly processes: readonly ProcessRecord[]
}

/** processRecords lists the plane's processes in start order with the binary each PID runs. */
export function processRecords(info: ControlPlaneInfo, binaries: BinaryPaths): ProcessRecord[] {
  const all = [
    { name: 'etcd', pid: info.pids.etcd, binary: binaries.etcd },
    { name: 'kube-apiserver', pid: info.pids.apiserver, binary: binaries.kubeApiserver },
    {
      name: 'kube-controller-manager',
      pid: info.pids.controllerManager,
      binary: binaries.kubeControllerManager,
    },
    { name: 'kube-scheduler', pid: info.pids.scheduler, binary: binaries.kubeScheduler },
    { name: 'kwok', pid: info.pids.kwok, binary: binaries.kwok },
  ]
  return all.filter((p): p is ProcessRecord => p.pid !== undefined)
}

export function stateFile(stateDir: string): string {
  return join(stateDir, 'state.json')
}

export function writeState(stateDir: string, state: PlaneState): void {
  mkdirSync(stateDir, { recursive: true })
  writeFileSync(stateFile(stateDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
}

/**
 * readState returns the recorded plane, or throws TESTENV_STATE_MISSING; a file without the process
 * list (written by an older testenv, or edited) throws TESTENV_INVALID_INPUT naming the file, so
 * `down` never guesses which PIDs to signal.
 */
export function readState(stateDir: string): PlaneState {
  const file = stateFile(stateDir)
  if (!existsSync(file)) throw new TestenvError('stateMissing', `no control plane recorded in ${file}`)
  const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<PlaneState>
  if (!state.info || !Array.isArray(state.processes) || !state.processes.every(isProcessRecord)) {
    throw new TestenvError(
      'invalidInput',
      `${file} has no valid process list (written by an older testenv?); stop its processes by PID and delete the file`,
    )
  }
  return state as PlaneState
}

function isProcessRecord(value: unknown): value is ProcessRecord {
  const r = value as Partial<ProcessRecord> | null
  return (
    typeof r?.name === 'string' &&
    typeof r.binary === 'string' &&
    typeof r.pid === 'number' &&
    Number.isInteger(r.pid) &&
    r.pid > 0
  )
}

export function removeState(stateDir: string): void {
  rmSync(stateFile(stateDir), { force: true })
}

/** shellQuote single-quotes a value for POSIX shells. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** exportLines are the `export NAME=value` lines `up` prints, for `eval "$(… up)"`. */
export function exportLines(info: ControlPlaneInfo): string[] {
  const vars: [string, string][] = [
    [TESTENV_ENV.kubeconfig, info.kubeconfigPath],
    [TESTENV_ENV.apiUrl, info.apiUrl],
    [TESTENV_ENV.caFile, info.caFile],
    [TESTENV_ENV.adminToken, info.adminToken],
  ]
  return vars.map(([name, value]) => `export ${name}=${shellQuote(value)}`)
}

/**
 * pidRunsBinary guards `down` against PID reuse: it only signals a PID whose command line still
 * starts with the binary `up` started (Linux /proc; elsewhere it trusts the PID).
 */
export function pidRunsBinary(pid: number, binary: string): boolean {
  const file = `/proc/${pid}/cmdline`
  if (!existsSync('/proc/self/cmdline')) return true
  try {
    return readFileSync(file, 'utf8').split('\0')[0] === binary
  } catch {
    return false
  }
}
