/** Every path of both sidecar listeners with the verbs the task API uses; the POST is harmless if it lands. */
import { PUBLIC_PATHS, TASK_API_PATHS, taskPath } from '@sei-k8s/contract'

export function everyPath(taskId: string): [string, string, unknown?][] {
  return [
    ['POST', TASK_API_PATHS.tasks, { type: 'mark-not-ready' }],
    ['GET', TASK_API_PATHS.tasks],
    ['GET', taskPath(taskId)],
    ['DELETE', taskPath(taskId)],
    ['GET', TASK_API_PATHS.status],
    ['GET', TASK_API_PATHS.nodeId],
    ...Object.values(PUBLIC_PATHS).map((path): [string, string] => ['GET', path]),
  ]
}

export function isPublicPath(path: string): boolean {
  return (Object.values(PUBLIC_PATHS) as string[]).includes(path)
}
