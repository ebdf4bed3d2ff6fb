import { describe, expect, it } from 'vitest'
import { SidecarError } from '../errors.js'
import { toErrorResponse } from './error-handler.js'

describe('toErrorResponse', () => {
  it('keeps a coded 4xx with its detail', () => {
    expect(toErrorResponse(new SidecarError('INVALID_PARAMS', 'params.x: bad'))).toEqual({
      status: 400,
      body: { error: 'task params are invalid: params.x: bad', code: 'INVALID_PARAMS' },
      isServerError: false,
    })
  })

  it('hides the detail of a coded 5xx', () => {
    const error = new SidecarError('STORE_FAILED', 'reading task', {
      cause: new Error('SQLITE_IOERR /sei/x'),
    })
    expect(toErrorResponse(error).body).toEqual({ error: 'internal error', code: 'STORE_FAILED' })
  })

  it('turns anything unexpected into a bare 500', () => {
    for (const thrown of [new TypeError('secret path /etc/x'), 'a string', undefined, { statusCode: 503 }]) {
      expect(toErrorResponse(thrown)).toEqual({
        status: 500,
        body: { error: 'internal error', code: 'INTERNAL' },
        isServerError: true,
      })
    }
  })

  it('keeps fastify 4xx framework errors as JSON with their status', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    })
    expect(toErrorResponse(tooLarge)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } })
  })
})
