/**
 * What the kubelet gives every pod to reach the API server: the Service's address in the environment and
 * the ServiceAccount's token, CA and namespace as files (the controller's in-cluster config reads them;
 * the sidecar client sends that token to kube-rbac-proxy).
 */
export const IN_CLUSTER = {
  serviceAccountDir: '/var/run/secrets/kubernetes.io/serviceaccount',
  /** File names inside serviceAccountDir. */
  files: { token: 'token', ca: 'ca.crt', namespace: 'namespace' },
  env: { host: 'KUBERNETES_SERVICE_HOST', port: 'KUBERNETES_SERVICE_PORT' },
} as const
