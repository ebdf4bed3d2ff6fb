/** Limits that only a real socket can exercise: both servers listening on 127.0.0.1 with short timeouts. */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, type Harness } from '../__tests__/harness.js'

let h: Harness
const ports: Record<'tasks' | 'public', number> = { tasks: 0, public: 0 }
beforeAll(async () => {
  h = await createHarness({ limits: { requestTimeoutMs: 300, headersTimeoutMs: 300 } })
  for (const name of ['tasks', 'public'] as const) {
    const server = name === 'tasks' ? h.tasks : h.public
    await server.listen({ host: '127.0.0.1', port: 0 })
    const address = server.server.address()
    ports[name] = typeof address === 'object' && address ? address.port : 0
  }
})
afterAll(async () => h.close())

/** Writes `text`, then waits for the server to answer and close. */
function stall(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => {
      data += chunk.toString()
    })
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
    socket.write(text)
  })
}

describe('timeouts on real listeners', () => {
  it.each(['tasks', 'public'] as const)(
    'answers a stalled request on the %s listener with a JSON 408',
    async (name) => {
      const response = await stall(ports[name], 'GET /v0/livez HTTP/1.1\r\nHost: x\r\n')
      expect(response).toMatch(/^HTTP\/1\.1 408/)
      expect(response).toContain('{"error":"request timed out","code":"REQUEST_TIMEOUT"}')
    },
  )

  it('answers a body that stops arriving with 408 and records nothing', async () => {
    const response = await stall(
      ports.tasks,
      'POST /v0/tasks HTTP/1.1\r\nHost: x\r\nX-Remote-User: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":',
    )
    expect(response).toMatch(/^HTTP\/1\.1 408/)
    expect(h.store.listNewest(10)).toEqual([])
  })
})
