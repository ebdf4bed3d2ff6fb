import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { KubeObject } from './kube-object.js'
import { LOOPBACK } from './ports.js'

/**
 * KWOK_STAGES_FILE: kwok's `--config`, the Stages that play kubelet (node and pod lifecycle), kept
 * as YAML beside kwok's own stage files it was adapted from. Found relative to this file in both
 * `src/` and `dist/`.
 */
export const KWOK_STAGES_FILE = join(dirname(dirname(fileURLToPath(import.meta.url))), 'kwok', 'stages.yaml')

/**
 * NOT_READY_ANNOTATION: while a Pod carries it (any value), the kwok stages keep or turn it
 * Running but not Ready (`Ready`/`ContainersReady` False, containers not ready); removing it makes
 * the Pod Ready again. The name is spelled out in kwok/stages.yaml too (kwok.test.ts checks both).
 */
export const NOT_READY_ANNOTATION = 'testenv.sei.io/not-ready'

/** FAKE_NODE_ANNOTATION marks the nodes kwok manages (`--manage-nodes-with-annotation-selector`). */
const FAKE_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const

/**
 * FAKE_STORAGE_CLASS: the default StorageClass of cluster mode. kwok's volume stages provision a
 * (fake, never mounted) PersistentVolume for each of its claims, so StatefulSets with
 * volumeClaimTemplates get bound PVCs and their Pods schedule. Name and provisioner are kwok's.
 */
export const FAKE_STORAGE_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: 'kwok-volume',
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
  },
  provisioner: 'kwok.x-k8s.io/volume',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
}

/**
 * Fake addresses written into node and pod status. 198.18.0.0/15 is reserved for benchmarking
 * (RFC 2544) and routed nowhere; nothing in testenv or its tests ever dials these addresses (the
 * apiserver rejects loopback addresses in Endpoints, so loopback cannot be used).
 */
export const FAKE_POD_CIDR = '198.18.0.0/16'
const FAKE_NODE_NET = '198.19'

export interface NodeCapacity {
  readonly cpu: string
  readonly memory: string
  readonly pods: string
  readonly ephemeralStorage: string
}

/** A realistic worker: 16 vCPU, 64 GiB, 110 Pods (the kubelet default), 500 GiB disk. */
export const DEFAULT_NODE_CAPACITY: NodeCapacity = {
  cpu: '16',
  memory: '64Gi',
  pods: '110',
  ephemeralStorage: '500Gi',
}

/** fakeNodeName: `kwok-node-0`, `kwok-node-1`, … */
export function fakeNodeName(index: number): string {
  return `kwok-node-${index}`
}

/**
 * fakeNode: a Node for kwok to manage, created with its status (nodes accept status on create):
 * capacity, an InternalIP of its own and the usual well-known labels, so the scheduler sees a
 * plausible worker. kwok's node-initialize stage then adds the conditions and makes it Ready.
 */
export function fakeNode(index: number, capacity: NodeCapacity = DEFAULT_NODE_CAPACITY): KubeObject {
  const name = fakeNodeName(index)
  const resources = {
    cpu: capacity.cpu,
    memory: capacity.memory,
    pods: capacity.pods,
    'ephemeral-storage': capacity.ephemeralStorage,
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value,
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    status: {
      allocatable: resources,
      capacity: resources,
      addresses: [
        { type: 'InternalIP', address: fakeNodeIp(index) },
        { type: 'Hostname', address: name },
      ],
    },
  }
}

/** fakeNodeIp: 198.19.<i / 250>.<i % 250 + 1>: distinct for up to 62,500 nodes. */
export function fakeNodeIp(index: number): string {
  return `${FAKE_NODE_NET}.${Math.floor(index / 250)}.${(index % 250) + 1}`
}

export interface KwokArgsOptions {
  readonly kubeconfig: string
  readonly configFile: string
  /** kwok's HTTP server (/healthz, and the kubelet endpoint it advertises on its nodes). */
  readonly port: number
}

/**
 * kwokArgs: kwok on 127.0.0.1 managing only the nodes testenv created (annotation selector), with
 * node Leases as heartbeat (what the node controller reads) and the fake pod CIDR. The server
 * address is explicit: with only a node port kwok would listen on 0.0.0.0.
 */
export function kwokArgs(options: KwokArgsOptions): string[] {
  return [
    `--kubeconfig=${options.kubeconfig}`,
    `--config=${options.configFile}`,
    `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION.key}=${FAKE_NODE_ANNOTATION.value}`,
    `--server-address=${LOOPBACK}:${options.port}`,
    `--node-port=${options.port}`,
    `--node-ip=${fakeNodeIp(0)}`,
    `--cidr=${FAKE_POD_CIDR}`,
    '--node-lease-duration-seconds=40',
  ]
}
