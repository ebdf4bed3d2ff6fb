/**
 * The four containers of a node pod, in start order: `seid-init` → `sei-sidecar` and `kube-rbac-proxy`
 * (native sidecars: init containers with `restartPolicy: Always`) → `seid`. Pure.
 */
import {
  BIND,
  CONTAINERS,
  ENV,
  ENV_DEFAULTS,
  PORT_NAMES,
  PORTS,
  proxyUpstreamUrl,
  rbacProxyConfigPath,
  SEID_PORTS,
} from '@sei-k8s/contract'
import type { Container, SecurityContext } from './k8s-types.js'
import type { NodeView } from './node-view.js'
import { rbacProxyProbes, seidProbes, sidecarProbes } from './probes.js'
import { SEI_HOME, seidInitScript, seidStartScript } from './scripts.js'

/** Volume names inside the pod. */
export const VOLUMES = {
  data: 'data',
  rbacProxyConfig: 'rbac-proxy-config',
  sidecarTmp: 'sidecar-tmp',
} as const

/** The restricted-profile container security context. */
export function restrictedContext(isReadOnlyRoot: boolean): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: isReadOnlyRoot,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  }
}

/**
 * kube-rbac-proxy's arguments, exactly. NO `--ignore-paths` / `--allow-paths`: every request through
 * PORTS.proxy must pass TokenReview + SubjectAccessReview (on ignored paths the proxy forwards client-supplied
 * identity headers untouched).
 */
function buildRbacProxyArgs(view: NodeView): string[] {
  return [
    `--insecure-listen-address=${BIND.proxy}:${PORTS.proxy}`,
    `--upstream=${proxyUpstreamUrl(view.tasksPort)}`,
    `--config-file=${rbacProxyConfigPath()}`,
    '--auth-header-fields-enabled=true',
    '--v=0',
  ]
}

/** The sidecar's environment: both listener ports, trusted-header authn, home and chain. */
function sidecarEnv(view: NodeView): { name: string; value: string }[] {
  return [
    { name: ENV.sidecarPort, value: String(view.tasksPort) },
    { name: ENV.sidecarPublicPort, value: String(view.publicPort) },
    { name: ENV.sidecarAuthnMode, value: ENV_DEFAULTS.sidecarAuthnMode },
    { name: ENV.home, value: SEI_HOME },
    { name: ENV.chainId, value: view.node.spec.chainId },
  ]
}

export function buildSeidInitContainer(view: NodeView): Container {
  return {
    name: CONTAINERS.seidInit,
    image: view.node.spec.image,
    command: ['/bin/sh', '-c', seidInitScript(view)],
    resources: view.seidResources,
    securityContext: restrictedContext(false),
    volumeMounts: [{ name: VOLUMES.data, mountPath: SEI_HOME }],
  }
}

/** The sidecar exposes ONLY its public port; the tasks port is loopback and never a container port. */
export function buildSidecarContainer(view: NodeView): Container {
  return {
    name: CONTAINERS.sidecar,
    image: view.sidecarImage,
    restartPolicy: 'Always',
    env: sidecarEnv(view),
    ports: [{ name: PORT_NAMES.public, containerPort: view.publicPort, protocol: 'TCP' }],
    ...sidecarProbes(view),
    resources: view.sidecarResources,
    securityContext: restrictedContext(true),
    volumeMounts: [
      { name: VOLUMES.data, mountPath: SEI_HOME },
      { name: VOLUMES.sidecarTmp, mountPath: '/tmp' },
    ],
  }
}

export function buildRbacProxyContainer(view: NodeView): Container {
  return {
    name: CONTAINERS.rbacProxy,
    image: view.platform.images.rbacProxy,
    restartPolicy: 'Always',
    args: buildRbacProxyArgs(view),
    ports: [{ name: PORT_NAMES.proxy, containerPort: PORTS.proxy, protocol: 'TCP' }],
    ...rbacProxyProbes(),
    resources: view.platform.rbacProxyResources,
    securityContext: restrictedContext(true),
    volumeMounts: [{ name: VOLUMES.rbacProxyConfig, mountPath: rbacProxyConfigDir(), readOnly: true }],
  }
}

function rbacProxyConfigDir(): string {
  const path = rbacProxyConfigPath()
  return path.slice(0, path.lastIndexOf('/'))
}

export function buildSeidContainer(view: NodeView): Container {
  return {
    name: CONTAINERS.seid,
    image: view.node.spec.image,
    command: ['/bin/sh', '-c', seidStartScript(view)],
    ports: Object.values(SEID_PORTS).map((p) => ({
      name: p.name,
      containerPort: p.port,
      protocol: 'TCP' as const,
    })),
    ...seidProbes(view),
    resources: view.seidResources,
    securityContext: restrictedContext(false),
    volumeMounts: [{ name: VOLUMES.data, mountPath: SEI_HOME }],
  }
}
