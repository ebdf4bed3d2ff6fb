import { describe, expect, it } from 'vitest'
import type { ControlPlaneInfo } from './plane.js'
import { exportLines, shellQuote } from './state.js'

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
