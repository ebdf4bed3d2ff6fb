/** Task API routes: submit, list, get, delete. Thin: schema-checked input → engine → result. */
import { TASK_API_PATHS } from '@sei-k8s/contract'
import type { FastifyInstance } from 'fastify'
import type { Engine } from '../../engine/engine.js'
import { identityOf } from '../authn.js'
import { SubmitTaskBody, TaskIdParams } from '../schemas.js'
import { withTypeBox } from '../typebox.js'

export function registerTaskRoutes(app: FastifyInstance, engine: Engine): void {
  const typed = withTypeBox(app)
  typed.post(TASK_API_PATHS.tasks, { schema: { body: SubmitTaskBody } }, async (request, reply) => {
    const { id } = await engine.submit(request.body)
    request.log.info({ taskId: id, user: identityOf(request.raw)?.user }, 'task submitted')
    return reply.code(201).send({ id })
  })
  typed.get(TASK_API_PATHS.tasks, async () => engine.list())
  typed.get(TASK_API_PATHS.task, { schema: { params: TaskIdParams } }, async (request) =>
    engine.get(request.params.id),
  )
  typed.delete(TASK_API_PATHS.task, { schema: { params: TaskIdParams } }, async (request, reply) => {
    await engine.remove(request.params.id)
    request.log.info({ taskId: request.params.id, user: identityOf(request.raw)?.user }, 'task deleted')
    return reply.code(204).send()
  })
}
