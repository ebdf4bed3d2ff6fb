/**
 * cni-validate: the CNIs' own policy code, built from `go/cni-validate` (pinned by its go.mod/go.sum)
 * and cached like the other tools. It judges generated policy objects: Cilium's CiliumNetworkPolicy
 * parser/sanitizer and NetworkPolicy parser, Cilium's policy engine (`policy.LookupFlow`) for the
 * allowed matrix, and Calico's selector and CIDR parsers for Calico policies (Calico's validator
 * cannot be built here: see the README). Built on demand, not by `ensureBinaries`: only the policy
 * tests need it, and a cold build of Cilium's packages takes minutes.
 */
import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { type BinariesOptions, buildTool, GO_DIR } from './binaries.js'
import { binaryFileName, mergeEnv } from './build-commands.js'
import { resolveCacheDir } from './env.js'
import { TestenvError } from './errors.js'
import type { KubeObject } from './kube-object.js'
import type { ToolSpec } from './versions.js'

/** The upstream modules cni-validate is built from; cni-validate.test.ts checks them against go.mod. */
export const CNI_MODULES = {
  cilium: { module: 'github.com/cilium/cilium', version: 'v1.20.2' },
  // The newest pseudo-version the module proxy serves; github.com/projectcalico/api is refused.
  calico: {
    module: 'github.com/projectcalico/calico',
    version: 'v1.11.0-cni-plugin.0.20250813170300-a0db560f0520',
  },
} as const

export type CniModule = keyof typeof CNI_MODULES

/** CRDs shipped inside the pinned modules, for installing into the test API server. */
export const CNI_CRD_FILES = {
  ciliumNetworkPolicies: {
    module: 'cilium',
    path: 'pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml',
  },
  calicoNetworkPolicies: {
    module: 'calico',
    path: 'libcalico-go/config/crd/crd.projectcalico.org_networkpolicies.yaml',
  },
} as const satisfies Record<string, { module: CniModule; path: string }>

const MODULE_DIR = 'cni-validate'

/**
 * The tool spec. Its version names Cilium's and carries a hash of the module's sources, so a change
 * to the Go code or go.sum lands in a new cache entry instead of reusing a stale binary.
 */
export function cniValidateTool(goDir: string = GO_DIR): ToolSpec {
  const dir = join(goDir, MODULE_DIR)
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.go') || name === 'go.mod' || name === 'go.sum')
    .sort()
  const hash = createHash('sha256')
  for (const name of files)
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(dir, name)))
      .update('\0')
  return {
    binary: 'cni-validate',
    version: `cilium-${CNI_MODULES.cilium.version}-src-${hash.digest('hex').slice(0, 12)}`,
    source: { moduleDir: MODULE_DIR, pkg: '.' },
  }
}

/** ensureCniValidate returns the cached binary, building it first when missing (minutes when cold). */
export async function ensureCniValidate(options: BinariesOptions = {}): Promise<string> {
  const tool = cniValidateTool()
  const env = options.env ?? process.env
  const cacheDir = resolveCacheDir(env, homedir())
  const target = join(cacheDir, binaryFileName(tool))
  if (existsSync(target)) return target
  mkdirSync(join(cacheDir, 'logs'), { recursive: true })
  await buildTool(tool, target, cacheDir, env, options.log ?? (() => {}), options.heartbeatMs ?? 30_000)
  return target
}

/**
 * cniModuleFile returns the path of a file inside a pinned module, downloading the module into the
 * Go module cache if needed (`go mod download` in the tools module: go.sum checks it).
 */
export function cniModuleFile(module: CniModule, path: string): string {
  const { module: name, version } = CNI_MODULES[module]
  const result = spawnSync('go', ['mod', 'download', '-json', `${name}@${version}`], {
    cwd: join(GO_DIR, MODULE_DIR),
    encoding: 'utf8',
    env: mergeEnv(process.env, { GOWORK: 'off', GOFLAGS: '-mod=mod' }, homedir()),
  })
  const info = parseJsonObject(result.stdout)
  const dir = typeof info?.['Dir'] === 'string' ? info['Dir'] : undefined
  if (result.status !== 0 || dir === undefined) {
    const detail = `${String(info?.['Error'] ?? '')} ${result.stderr ?? ''} ${result.error?.message ?? ''}`
    throw new TestenvError('goMissing', `go mod download ${name}@${version} failed: ${detail.trim()}`)
  }
  return join(dir, path)
}

/** A pod as the CNIs see it: labels, namespace labels, ServiceAccount and (for Calico nets) its IP. */
export interface CniEndpoint {
  readonly name: string
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
  readonly namespaceLabels: Readonly<Record<string, string>>
  readonly serviceAccount: string
  readonly ip?: string
}

/** A source that is not a pod: `reserved` (`host`, `remote-node`) and/or an address. */
export interface CniSource {
  readonly name: string
  readonly reserved?: 'host' | 'remote-node'
  readonly ip?: string
}

export interface CniValidateRequest {
  readonly objects: readonly KubeObject[]
  readonly endpoints?: readonly CniEndpoint[]
  readonly sources?: readonly CniSource[]
  readonly ports?: readonly number[]
}

export interface CniObjectResult {
  readonly apiVersion: string
  readonly kind: string
  readonly namespace: string
  readonly name: string
  readonly ok: boolean
  readonly error?: string
  readonly skipped?: string
}

export interface CniFlow {
  readonly from: string
  readonly to: string
  readonly port: number
}

export interface CniValidateAnswer {
  readonly objects: readonly CniObjectResult[]
  /** Allowed ingress flows per policy kind, keyed `<apiVersion>/<kind>`. */
  readonly matrix: Readonly<Record<string, readonly CniFlow[]>>
}

/** runCniValidate sends one request to the binary and returns its checked answer. */
export function runCniValidate(binary: string, request: CniValidateRequest): Promise<CniValidateAnswer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      [],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new TestenvError('analyzerFailed', `cni-validate failed: ${stderr.trim()}`, { cause: error }),
          )
          return
        }
        try {
          resolve(parseAnswer(stdout))
        } catch (cause) {
          reject(cause)
        }
      },
    )
    child.stdin?.end(JSON.stringify(request))
  })
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function isFlow(value: unknown): value is CniFlow {
  const f = value as Partial<CniFlow> | null
  return typeof f?.from === 'string' && typeof f.to === 'string' && typeof f.port === 'number'
}

function isObjectResult(value: unknown): value is CniObjectResult {
  const o = value as Partial<CniObjectResult> | null
  return typeof o?.kind === 'string' && typeof o.name === 'string' && typeof o.ok === 'boolean'
}

/** parseAnswer checks the binary's JSON shape at the edge instead of trusting it. */
export function parseAnswer(text: string): CniValidateAnswer {
  const bad = (why: string) =>
    new TestenvError('analyzerFailed', `cni-validate answer ${why}: ${text.slice(0, 200)}`)
  const answer = parseJsonObject(text)
  if (answer === undefined) throw bad('is not a JSON object')
  const objects = answer['objects']
  if (!Array.isArray(objects) || !objects.every(isObjectResult)) throw bad('has no valid objects list')
  const matrix: Record<string, readonly CniFlow[]> = {}
  const raw = answer['matrix'] ?? {}
  if (typeof raw !== 'object' || raw === null) throw bad('has an invalid matrix')
  for (const [key, flows] of Object.entries(raw)) {
    const list: unknown = flows ?? []
    if (!Array.isArray(list) || !list.every(isFlow)) throw bad(`has an invalid matrix entry ${key}`)
    matrix[key] = list
  }
  return { objects, matrix }
}
