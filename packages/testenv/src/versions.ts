/**
 * How a pinned binary is obtained: `go build` of a package required by one of the tools modules
 * under `packages/testenv/go/` (versions pinned by the committed go.mod + go.sum). `go install
 * pkg@version` is not used: this module proxy refuses the version lists it asks for, and it refuses
 * modules whose go.mod has replace directives (kube-rbac-proxy).
 */
export interface ToolSource {
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

/**
 * TOOLS: every binary testenv runs. The go.mod files under `go/` are the source of truth for the
 * module-built tools; versions.test.ts fails when this table and those files disagree.
 */
export const TOOLS = {
  kubeApiserver: {
    binary: 'kube-apiserver',
    version: 'v1.37.2',
    source: {
      moduleDir: '.',
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      // Without these the apiserver reports v0.0.0-master at /version (Kubernetes stamps them in its Makefile).
      linkerVars: {
        'k8s.io/component-base/version.gitVersion': 'v1.37.2',
        'k8s.io/component-base/version.gitMajor': '1',
        'k8s.io/component-base/version.gitMinor': '37',
        'k8s.io/component-base/version.gitTreeState': 'clean',
        'k8s.io/client-go/pkg/version.gitVersion': 'v1.37.2',
        'k8s.io/client-go/pkg/version.gitMajor': '1',
        'k8s.io/client-go/pkg/version.gitMinor': '37',
        'k8s.io/client-go/pkg/version.gitTreeState': 'clean',
      },
    },
  },
  etcd: {
    binary: 'etcd',
    version: 'v3.7.0',
    source: { moduleDir: '.', pkg: 'go.etcd.io/etcd/server/v3' },
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
