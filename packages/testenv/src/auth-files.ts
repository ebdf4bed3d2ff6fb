/** A static identity of the apiserver's token file. */
export interface StaticUser {
  readonly token: string
  readonly name: string
  readonly uid: string
  readonly groups: readonly string[]
}

/** STATIC_USERS: the static identities of the apiserver's token file. */
export const STATIC_USERS = {
  admin: { name: 'testenv-admin', uid: 'testenv-admin', groups: ['system:masters'] },
  /** kube-rbac-proxy's own identity; bound to system:auth-delegator for TokenReview + SAR. */
  rbacProxy: { name: 'testenv:kube-rbac-proxy', uid: 'testenv-kube-rbac-proxy', groups: [] },
  /**
   * Cluster mode. The two Kubernetes components use the user names the apiserver's bootstrap RBAC
   * policy already binds (kube-controller-manager then runs each controller under its own
   * ServiceAccount, as kubeadm sets it up).
   */
  controllerManager: {
    name: 'system:kube-controller-manager',
    uid: 'testenv-kube-controller-manager',
    groups: [],
  },
  scheduler: { name: 'system:kube-scheduler', uid: 'testenv-kube-scheduler', groups: [] },
  /** kwok plays every kubelet: it patches node and pod status, deletes pods and renews node Leases. */
  kwok: { name: 'testenv:kwok', uid: 'testenv-kwok', groups: ['system:masters'] },
} as const

/** The cluster-mode components that get an identity and a kubeconfig of their own. */
export const COMPONENT_USERS = ['controllerManager', 'scheduler', 'kwok'] as const
export type ComponentName = (typeof COMPONENT_USERS)[number]

/** tokenFileContent renders the apiserver's `--token-auth-file` CSV: token,user,uid,"group1,group2". */
export function tokenFileContent(users: readonly StaticUser[]): string {
  return users
    .map((u) => {
      const base = `${u.token},${u.name},${u.uid}`
      return u.groups.length > 0 ? `${base},"${u.groups.join(',')}"` : base
    })
    .map((line) => `${line}\n`)
    .join('')
}

/** A kubeconfig document (apiVersion v1, kind Config) with one cluster, user and context. */
export interface KubeconfigDocument {
  readonly apiVersion: 'v1'
  readonly kind: 'Config'
  readonly clusters: readonly { name: string; cluster: { server: string; 'certificate-authority': string } }[]
  readonly users: readonly { name: string; user: { token: string } }[]
  readonly contexts: readonly { name: string; context: { cluster: string; user: string } }[]
  readonly 'current-context': string
  readonly preferences: Record<string, never>
}

export interface KubeconfigOptions {
  readonly server: string
  readonly caFile: string
  readonly token: string
  readonly userName: string
  readonly clusterName?: string
}

/**
 * buildKubeconfig returns a kubeconfig for one token identity. It is written as JSON, which every
 * kubeconfig reader accepts because JSON is YAML.
 */
export function buildKubeconfig(options: KubeconfigOptions): KubeconfigDocument {
  const cluster = options.clusterName ?? 'sei-k8s-testenv'
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server: options.server, 'certificate-authority': options.caFile } },
    ],
    users: [{ name: options.userName, user: { token: options.token } }],
    contexts: [{ name: cluster, context: { cluster, user: options.userName } }],
    'current-context': cluster,
    preferences: {},
  }
}
