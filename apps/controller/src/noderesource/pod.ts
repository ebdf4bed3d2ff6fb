/**
 * The pod template spec of a node. Restricted security (non-root 65532, seccomp RuntimeDefault), a
 * mounted ServiceAccount token (kube-rbac-proxy needs it for TokenReview/SAR) and a shared process
 * namespace (the sidecar signals seid). Pure.
 */
import { rbacProxyConfigMapName } from '@sei-k8s/contract'
import {
  buildRbacProxyContainer,
  buildSeidContainer,
  buildSeidInitContainer,
  buildSidecarContainer,
  VOLUMES,
} from './containers.js'
import type { PodSpec } from './k8s-types.js'
import type { NodeView } from './node-view.js'

/** The non-root user and group every container runs as (distroless "nonroot"). */
export const NON_ROOT_ID = 65532

/** Builds the pod spec: init → native sidecars (sidecar, then proxy) → seid. */
export function buildPodSpec(view: NodeView): PodSpec {
  return {
    automountServiceAccountToken: true,
    shareProcessNamespace: true,
    serviceAccountName: view.platform.nodeServiceAccount,
    // Service env vars of every Service in the namespace are noise for seid and slow large namespaces.
    enableServiceLinks: false,
    securityContext: {
      fsGroup: NON_ROOT_ID,
      // Archive volumes hold tens of TiB: a recursive chown on every start would delay it by hours.
      fsGroupChangePolicy: 'OnRootMismatch',
      runAsGroup: NON_ROOT_ID,
      runAsNonRoot: true,
      runAsUser: NON_ROOT_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    initContainers: [
      buildSeidInitContainer(view),
      buildSidecarContainer(view),
      buildRbacProxyContainer(view),
    ],
    containers: [buildSeidContainer(view)],
    volumes: [
      { name: VOLUMES.rbacProxyConfig, configMap: { name: rbacProxyConfigMapName(view.name) } },
      { name: VOLUMES.sidecarTmp, emptyDir: { sizeLimit: '64Mi' } },
    ],
  }
}
