/** `GET /v0/status` and `GET /v0/node-id`. */
import { TASK_API_PATHS } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import { readNodeId } from '../../engine/tasks/node-key.js'
import { SidecarError } from '../../errors.js'
import type { Lifecycle } from '../../lifecycle.js'
import type { StatusResponse } from '../schemas.js'

export function registerStatusRoutes(
  app: FastifyInstance,
  deps: { lifecycle: Lifecycle; home: string },
): void {
  app.get(
    TASK_API_PATHS.status,
    async (): Promise<StatusResponse> => ({
      status: deps.lifecycle.isReady ? 'Ready' : 'Initializing',
    }),
  )
  app.get(TASK_API_PATHS.nodeId, async () => {
    const nodeId = await readNodeId(deps.home)
    if (nodeId === undefined) throw new SidecarError('NODE_KEY_MISSING')
    return { nodeId }
  })
}
