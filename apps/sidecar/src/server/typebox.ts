/**
 * fastify's TypeBox type provider: route schemas type the handlers, and this validator compiler checks
 * them with TypeBox (no Ajv, no type coercion) and words the first failure like every other 400 of the
 * sidecar: `body.type: expected string (got 7)`, naming the field.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify'
import { describeFailure } from '../engine/validate.js'

const compileTypeBox: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema)
  const root = httpPart === 'body' ? 'body' : 'path'
  return (value: unknown) => {
    if (check.Check(value)) return { value }
    const first = check.Errors(value).First()
    const message = first ? describeFailure(root, first) : `${root}: invalid`
    return { error: [{ instancePath: first?.path ?? '', message }] } as never
  }
}

/** The instance, typed by its route schemas and validating them with TypeBox. */
export function withTypeBox(app: FastifyInstance) {
  return app.setValidatorCompiler(compileTypeBox).withTypeProvider<TypeBoxTypeProvider>()
}
