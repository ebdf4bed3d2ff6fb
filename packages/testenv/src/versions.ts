/**
 * How a pinned binary is obtained: `go build` of a package required by one of the tools modules
 * under `packages/testenv/go/` (versions pinned by the committed go.mod + go.sum). `go install
 * pkg@version` is not used: this module proxy refuses the version lists it asks for, and it refuses
 * modules whose go.mod has replace directives (kube-rbac-proxy).
 */
interface ToolSource {
  readonly moduleDir: string
  readonly pkg: string
  /** `-X` linker variables: what upstream's Makefile stamps into the binary (e.g. the /version answer). */
  readonly linkerVars?: Readonly<Record<string, string>>
}

export interface ToolSpec {
  readonly binary: string
  readonly version: string
  readonly source: ToolSource
}

/** The k8s.io/kubernetes release of kube-apiserver, kube-controller-manager and kube-scheduler. */
const KUBERNETES_VERSION = 'v1.37.2'

/**
 * The `-X` variables Kubernetes' Makefile stamps; without them a binary reports v0.0.0-master at
 * /version (and kube-controller-manager / kube-scheduler would log a version skew against the apiserver).
 */
function kubernetesLinkerVars(version: string): Readonly<Record<string, string>> {
  const [, major = '', minor = ''] = /^v(\d+)\.(\d+)\./.exec(version) ?? []
  const vars: Record<string, string> = {}
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    vars[`${pkg}.gitVersion`] = version
    vars[`${pkg}.gitMajor`] = major
    vars[`${pkg}.gitMinor`] = minor
    vars[`${pkg}.gitTreeState`] = 'clean'
  }
  return vars
}

/**
 * TOOLS: every binary testenv runs. The go.mod files under `go/` are the source of truth for the
 * module-built tools; versions.test.ts fails when this table and those files disagree.
 */
export const TOOLS = {
  kubeApiserver: {
    binary: 'kube-apiserver',
    version: KUBERNETES_VERSION,
    source: {
      moduleDir: '.',
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      linkerVars: kubernetesLinkerVars(KUBERNETES_VERSION),
    },
  },
  etcd: {
    binary: 'etcd',
    version: 'v3.7.0',
    source: { moduleDir: '.', pkg: 'go.etcd.io/etcd/server/v3' },
  },
  kubeControllerManager: {
    binary: 'kube-controller-manager',
    version: KUBERNETES_VERSION,
    source: {
      moduleDir: '.',
      pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager',
      linkerVars: kubernetesLinkerVars(KUBERNETES_VERSION),
    },
  },
  kubeScheduler: {
    binary: 'kube-scheduler',
    version: KUBERNETES_VERSION,
    source: {
      moduleDir: '.',
      pkg: 'k8s.io/kubernetes/cmd/kube-scheduler',
      linkerVars: kubernetesLinkerVars(KUBERNETES_VERSION),
    },
  },
  kwok: {
    binary: 'kwok',
    version: 'v0.8.0',
    // Its own module: kwok wants k8s.io libraries v0.36.x, older than the kube-apiserver module's.
    source: { moduleDir: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok' },
  },
  kubeRbacProxy: {
    binary: 'kube-rbac-proxy',
    version: 'v0.22.1',
    source: {
      moduleDir: 'kube-rbac-proxy',
      pkg: 'github.com/brancz/kube-rbac-proxy/cmd/kube-rbac-proxy',
    },
  },
  netpolicy: {
    binary: 'netpolicy',
    version: 'v1.2.1',
    source: { moduleDir: 'netpol-analyzer', pkg: 'github.com/np-guard/netpol-analyzer/cmd/netpolicy' },
  },
} as const satisfies Record<string, ToolSpec>

export type ToolName = keyof typeof TOOLS
export const TOOL_NAMES = Object.keys(TOOLS).sort() as readonly ToolName[]

/** FIELD_MANAGER is the server-side apply field owner of everything testenv helpers apply. */
export const FIELD_MANAGER = 'sei-k8s-testenv'
