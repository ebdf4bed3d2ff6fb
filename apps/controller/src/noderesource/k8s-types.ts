/**
 * The subset of Kubernetes object shapes the builders emit. Written here rather than imported from
 * @kubernetes/client-node so the pure core does not depend on the client (only kube/ imports it) and the
 * output is plain JSON with the wire field names.
 */
import type { Resources } from '../platform.js'

interface ObjectMeta {
  name: string
  namespace?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

interface EnvVar {
  name: string
  value: string
}

interface ContainerPort {
  name: string
  containerPort: number
  protocol: 'TCP'
}

export type Probe = {
  initialDelaySeconds?: number
  periodSeconds?: number
  timeoutSeconds?: number
  failureThreshold?: number
  successThreshold?: number
} & (
  | { httpGet: { path: string; port: number; scheme: 'HTTP' }; tcpSocket?: never }
  | { tcpSocket: { port: number }; httpGet?: never }
)

export interface SecurityContext {
  allowPrivilegeEscalation: false
  capabilities: { drop: ['ALL'] }
  privileged: false
  readOnlyRootFilesystem: boolean
  runAsNonRoot: true
  seccompProfile: { type: 'RuntimeDefault' }
}

interface VolumeMount {
  name: string
  mountPath: string
  readOnly?: boolean
}

export interface Container {
  name: string
  image: string
  command?: string[]
  args?: string[]
  env?: EnvVar[]
  ports?: ContainerPort[]
  startupProbe?: Probe
  livenessProbe?: Probe
  readinessProbe?: Probe
  resources?: Resources
  securityContext: SecurityContext
  volumeMounts?: VolumeMount[]
  /** `Always` on an init container makes it a native sidecar (Kubernetes ≥ 1.29). */
  restartPolicy?: 'Always'
}

type Volume =
  | { name: string; configMap: { name: string } }
  | { name: string; emptyDir: { sizeLimit?: string } }

export interface PodSpec {
  automountServiceAccountToken: boolean
  shareProcessNamespace: boolean
  serviceAccountName: string
  enableServiceLinks: false
  securityContext: {
    fsGroup: number
    fsGroupChangePolicy: 'OnRootMismatch'
    runAsGroup: number
    runAsNonRoot: true
    runAsUser: number
    seccompProfile: { type: 'RuntimeDefault' }
  }
  initContainers: Container[]
  containers: Container[]
  volumes: Volume[]
}

export interface ConfigMap {
  apiVersion: 'v1'
  kind: 'ConfigMap'
  metadata: ObjectMeta
  data: Record<string, string>
}

export interface ServicePort {
  name: string
  port: number
  targetPort: number
  protocol: 'TCP'
  appProtocol?: string
}

export interface Service {
  apiVersion: 'v1'
  kind: 'Service'
  metadata: ObjectMeta
  spec: {
    clusterIP: 'None'
    publishNotReadyAddresses: true
    selector: Record<string, string>
    ports: ServicePort[]
  }
}

export interface StatefulSet {
  apiVersion: 'apps/v1'
  kind: 'StatefulSet'
  metadata: ObjectMeta
  spec: {
    replicas: number
    serviceName: string
    selector: { matchLabels: Record<string, string> }
    updateStrategy: { type: 'OnDelete' }
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec }
    volumeClaimTemplates: {
      metadata: ObjectMeta
      spec: {
        accessModes: ['ReadWriteOnce']
        storageClassName?: string
        resources: { requests: { storage: number | string } }
      }
    }[]
  }
}

/** Every object a SeiNode renders to, in apply order. */
export type NodeObject = ConfigMap | Service | StatefulSet
