/**
 * One cluster-mode control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, two kwok
 * nodes) for the run, shared by the files that need workloads to come alive; testenv builds any missing
 * binary first, printing progress. The trust-boundary file starts its own apiserver-only plane.
 *
 * Two nodes: the files leave their SeiNodes running, and a full node requests 4 CPU and 16 GiB (platform
 * defaults), so one 16-CPU node holds three. Four full nodes across the files made whichever file ran
 * fourth wait for a Pod the scheduler called "Insufficient cpu, Insufficient memory" (the order of files
 * follows vitest's timing cache, so it failed only sometimes).
 */
import { type ProvideTarget, setupControlPlane } from '@sei-k8s/testenv/vitest-setup'

export default (project: ProvideTarget) => setupControlPlane(project, { cluster: { nodes: 2 } })
