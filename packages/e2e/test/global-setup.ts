/**
 * One cluster-mode control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, one kwok
 * node) for the run, shared by the files that need workloads to come alive; testenv builds any missing
 * binary first, printing progress. The trust-boundary file starts its own apiserver-only plane.
 */
import { type ProvideTarget, setupControlPlane } from '@sei-k8s/testenv/vitest-setup'

export default (project: ProvideTarget) => setupControlPlane(project, { cluster: { nodes: 1 } })
