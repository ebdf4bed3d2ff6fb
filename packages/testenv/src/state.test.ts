import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BinaryPaths } from './binaries.js'
import type { ControlPlaneInfo } from './plane.js'
import { exportLines, processRecords, readState, shellQuote, stateFile, writeState } from './state.js'

describe('exportLines', () => {
  it('prints KUBECONFIG and the SEI_TESTENV_* variables, shell-quoted', () => {
    const info = {
      apiUrl: 'https://127.0.0.1:1',
      caFile: "/tmp/it's/ca.crt",
      adminToken: 'tok',
      kubeconfigPath: '/k.json',
    } as ControlPlaneInfo
    expect(exportLines(info)).toEqual([
      "export KUBECONFIG='/k.json'",
      "export SEI_TESTENV_API_URL='https://127.0.0.1:1'",
      `export SEI_TESTENV_CA_FILE=${shellQuote("/tmp/it's/ca.crt")}`,
      "export SEI_TESTENV_ADMIN_TOKEN='tok'",
    ])
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
  })
})

describe('state file', () => {
  const info = {
    apiUrl: 'https://127.0.0.1:1',
    nodeNames: ['kwok-node-0'],
    pids: { etcd: 10, apiserver: 11, controllerManager: 12, scheduler: 13, kwok: 14 },
  } as unknown as ControlPlaneInfo
  const binaries = {
    etcd: '/c/etcd',
    kubeApiserver: '/c/kube-apiserver',
    kubeControllerManager: '/c/kcm',
    kubeScheduler: '/c/sched',
    kwok: '/c/kwok',
  } as BinaryPaths

  it('records every process in start order with the binary its PID runs', () => {
    expect(processRecords(info, binaries).map((p) => [p.name, p.pid, p.binary])).toEqual([
      ['etcd', 10, '/c/etcd'],
      ['kube-apiserver', 11, '/c/kube-apiserver'],
      ['kube-controller-manager', 12, '/c/kcm'],
      ['kube-scheduler', 13, '/c/sched'],
      ['kwok', 14, '/c/kwok'],
    ])
    const apiserverOnly = { ...info, pids: { etcd: 10, apiserver: 11 } } as ControlPlaneInfo
    expect(processRecords(apiserverOnly, binaries).map((p) => p.name)).toEqual(['etcd', 'kube-apiserver'])
  })

  it('reads back what it wrote, and refuses a file without a valid process list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-state-'))
    try {
      writeState(dir, { info, processes: processRecords(info, binaries) })
      expect(readState(dir).processes).toHaveLength(5)
      writeFileSync(stateFile(dir), JSON.stringify({ info, binaries: { etcd: '/c/etcd' } }))
      expect(() => readState(dir)).toThrow(/TESTENV_INVALID_INPUT: .*state\.json has no valid process list/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
