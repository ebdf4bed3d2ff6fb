/**
 * The controller's own workload: Namespace, ServiceAccount, Deployment and metrics Service. The pod
 * labels and namespace come from the contract's CONTROLLER: the node pods' NetworkPolicy admits exactly
 * those pods to PORTS.proxy, so a drift here would cut the controller off from every sidecar.
 */
import {
  APP_NODE_OPTIONS,
  CONTROLLER,
  CONTROLLER_PATHS,
  CONTROLLER_PORT_NAMES,
  CONTROLLER_PORTS,
  NAMESPACE_NAME_LABEL,
} from '@sei-k8s/contract'
import { stringify } from 'yaml'
import { restrictedContext } from '../noderesource/containers.js'
import { NON_ROOT_ID } from '../noderesource/pod.js'
import { DEFAULT_PLATFORM } from '../platform.js'
import { RELEASE_VERSION } from '../version.js'

/** Options of the install manifests. */
export interface ManifestOptions {
  /** The controller image. */
  readonly image: string
  /** Namespaces whose `seid-node` ServiceAccount kube-rbac-proxy runs as (TokenReview/SAR rights). */
  readonly nodeNamespaces: readonly string[]
  /**
   * The sidecar image the controller puts into node pods. When set, the manifests carry it in a platform
   * config ConfigMap that the Deployment passes to `run --config`, so a release ships both halves together.
   */
  readonly sidecarImage?: string
}

export const DEFAULT_MANIFEST_OPTIONS: ManifestOptions = {
  image: `ghcr.io/sei-protocol/sei-k8s-controller:v${RELEASE_VERSION}`,
  nodeNamespaces: ['default'],
}

/** Name of the controller Deployment and its container. */
const MANAGER_NAME = 'sei-k8s-controller-manager'
const METRICS_SERVICE_NAME = 'sei-k8s-controller-metrics'

/** The ConfigMap holding the controller's platform config, and where the Deployment mounts it. */
const PLATFORM_CONFIG_MAP_NAME = 'sei-k8s-controller-platform'
const PLATFORM_CONFIG_KEY = 'platform.yaml'
const PLATFORM_CONFIG_DIR = '/etc/sei-k8s-controller'

const PART_OF = { 'app.kubernetes.io/part-of': 'sei-k8s' }

/** Environment of the controller container: the contract's heap setting (see APP_NODE_OPTIONS). */
const MANAGER_ENV: readonly (readonly [string, string])[] = [['NODE_OPTIONS', APP_NODE_OPTIONS]]

function labels(): Record<string, string> {
  return { ...PART_OF, ...CONTROLLER.podLabels }
}

export function buildNamespace(): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: CONTROLLER.namespace,
      labels: {
        ...PART_OF,
        [NAMESPACE_NAME_LABEL]: CONTROLLER.namespace,
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  }
}

export function buildServiceAccount(): object {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: CONTROLLER.serviceAccount, namespace: CONTROLLER.namespace, labels: labels() },
  }
}

/** The platform config ConfigMap: this release's sidecar image and the contract's kube-rbac-proxy image. */
export function buildPlatformConfigMap(sidecarImage: string): object {
  const platform = { images: { sidecar: sidecarImage, rbacProxy: DEFAULT_PLATFORM.images.rbacProxy } }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: PLATFORM_CONFIG_MAP_NAME, namespace: CONTROLLER.namespace, labels: labels() },
    data: { [PLATFORM_CONFIG_KEY]: stringify(platform) },
  }
}

function httpProbe(path: string, periodSeconds: number): object {
  return {
    httpGet: { path, port: CONTROLLER_PORTS.health, scheme: 'HTTP' },
    periodSeconds,
    failureThreshold: 3,
  }
}

/** The controller Deployment: non-root, read-only root fs, probes on its health port, leader election on. */
export function buildDeployment(options: ManifestOptions): object {
  const platform = options.sidecarImage !== undefined
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: MANAGER_NAME, namespace: CONTROLLER.namespace, labels: labels() },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...CONTROLLER.podLabels } },
      template: {
        metadata: { labels: labels() },
        spec: {
          serviceAccountName: CONTROLLER.serviceAccount,
          // The controller's token authenticates it to every kube-rbac-proxy (TokenReview + SAR).
          automountServiceAccountToken: true,
          terminationGracePeriodSeconds: 10,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NON_ROOT_ID,
            runAsGroup: NON_ROOT_ID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'manager',
              image: options.image,
              args: [
                'run',
                '--leader-elect=true',
                `--health-port=${CONTROLLER_PORTS.health}`,
                `--metrics-port=${CONTROLLER_PORTS.metrics}`,
                ...(platform ? [`--config=${PLATFORM_CONFIG_DIR}/${PLATFORM_CONFIG_KEY}`] : []),
              ],
              env: MANAGER_ENV.map(([name, value]) => ({ name, value })),
              ports: [
                {
                  name: CONTROLLER_PORT_NAMES.health,
                  containerPort: CONTROLLER_PORTS.health,
                  protocol: 'TCP',
                },
                {
                  name: CONTROLLER_PORT_NAMES.metrics,
                  containerPort: CONTROLLER_PORTS.metrics,
                  protocol: 'TCP',
                },
              ],
              livenessProbe: { ...httpProbe(CONTROLLER_PATHS.healthz, 20), initialDelaySeconds: 15 },
              readinessProbe: { ...httpProbe(CONTROLLER_PATHS.readyz, 10), initialDelaySeconds: 5 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: restrictedContext(true),
              ...(platform
                ? {
                    volumeMounts: [
                      { name: 'platform-config', mountPath: PLATFORM_CONFIG_DIR, readOnly: true },
                    ],
                  }
                : {}),
            },
          ],
          ...(platform
            ? { volumes: [{ name: 'platform-config', configMap: { name: PLATFORM_CONFIG_MAP_NAME } }] }
            : {}),
        },
      },
    },
  }
}

/** ClusterIP Service in front of the controller's metrics port, for a ServiceMonitor. */
export function buildMetricsService(): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: METRICS_SERVICE_NAME, namespace: CONTROLLER.namespace, labels: labels() },
    spec: {
      selector: { ...CONTROLLER.podLabels },
      ports: [
        {
          name: CONTROLLER_PORT_NAMES.metrics,
          port: CONTROLLER_PORTS.metrics,
          targetPort: CONTROLLER_PORTS.metrics,
          protocol: 'TCP',
        },
      ],
    },
  }
}
