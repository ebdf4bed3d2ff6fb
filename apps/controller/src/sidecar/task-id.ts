/**
 * PURE: deterministic task ids. The same (SeiNode uid, plan generation, task type, index) always gives the
 * same UUIDv5, so a restarted controller or a new leader resubmits the ids it (or its predecessor) used,
 * and the sidecar's idempotent submission turns the repeat into a no-op.
 */
import { SIDECAR_TASK_ID_NAMESPACE } from '@sei-k8s/contract'
import { v5 as uuidv5 } from 'uuid'

export function taskId(uid: string, generation: number, type: string, index: number): string {
  return uuidv5(`${uid}/${generation}/${type}/${index}`, SIDECAR_TASK_ID_NAMESPACE)
}
