/** Task API routes: submit, list, get, delete. Thin: read input → engine → map result. */
import { TASK_API_PATHS } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import type { Engine } from '../../engine/engine.js'
import { SidecarError } from '../../errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function taskId(params: unknown): string {
  const id = (params as { id?: unknown }).id
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new SidecarError('INVALID_TASK_ID', `got ${JSON.stringify(String(id).slice(0, 64))}`)
  }
  return id
}

export function registerTaskRoutes(app: FastifyInstance, engine: Engine): void {
  app.post(TASK_API_PATHS.tasks, async (request, reply) => {
    const { id } = await engine.submit(request.body)
    request.log.info({ taskId: id, user: request.identity?.user }, 'task submitted')
    return reply.code(201).send({ id })
  })
  app.get(TASK_API_PATHS.tasks, async () => engine.list())
  app.get(TASK_API_PATHS.task, async (request) => engine.get(taskId(request.params)))
  app.delete(TASK_API_PATHS.task, async (request, reply) => {
    const id = taskId(request.params)
    await engine.remove(id)
    request.log.info({ taskId: id, user: request.identity?.user }, 'task deleted')
    return reply.code(204).send()
  })
}
