/** The built sidecar as a real process: listener split, bind addresses, start-up validation, limits. */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { freePort } from '@sei-k8s/testenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IDENTITY,
  MAIN,
  makeHome,
  type SidecarProcess,
  startSidecar,
  stopSidecar,
} from './sidecar-process.js'

/** Local addresses of LISTEN sockets on `port`, from /proc/net/tcp{,6} (hex address:port, state 0A). */
function listeningAddresses(port: number): string[] {
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (!local || state !== '0A') continue
      const [addrHex, portHex] = local.split(':')
      if (Number.parseInt(portHex ?? '', 16) !== port || !addrHex) continue
      found.push(
        addrHex.length === 8
          ? (addrHex.match(/../g) ?? [])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join('.')
          : /^0+$/.test(addrHex)
            ? '::'
            : `v6:${addrHex}`,
      )
    }
  }
  return found
}

/** Sends raw bytes and returns the raw response (for HTTP/1.0 and oversized headers). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (chunk) => {
      data += chunk.toString()
    })
    socket.on('end', () => resolve(data))
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
    socket.write(text)
  })
}

let sidecar: SidecarProcess
let home: { home: string; remove: () => void }
beforeAll(async () => {
  home = makeHome()
  sidecar = await startSidecar({ home: home.home })
})
afterAll(async () => {
  await stopSidecar(sidecar)
  home.remove()
})

describe('listener split (real process)', () => {
  it('binds the tasks listener to 127.0.0.1 only and the public one to all interfaces, dual-stack', async () => {
    expect(listeningAddresses(sidecar.tasksPort)).toEqual(['127.0.0.1'])
    expect(listeningAddresses(sidecar.publicPort)).toEqual(['::'])
    // One `::` socket with IPv4 mapped answers both families.
    expect((await fetch(`http://[::1]:${sidecar.publicPort}/v0/livez`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${sidecar.publicPort}/v0/livez`)).status).toBe(200)
  })

  it('logs one start line with both bind addresses and the authn mode', () => {
    const line = sidecar
      .output()
      .split('\n')
      .find((l) => l.includes('"sei-sidecar started"'))
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      tasks: `127.0.0.1:${sidecar.tasksPort}`,
      public: `[::]:${sidecar.publicPort}`,
      authnMode: 'trusted-header',
    })
  })

  it.each(['/v0/healthz', '/v0/livez', '/v0/startupz', '/v0/metrics'])(
    'serves %s only on the public port',
    async (path) => {
      const pub = await fetch(`${sidecar.publicUrl}${path}`)
      expect(pub.status).not.toBe(404)
      expect((await fetch(`${sidecar.tasksUrl}${path}`, { headers: IDENTITY })).status).toBe(404)
    },
  )

  it.each(['/v0/tasks', '/v0/status', '/v0/node-id'])('serves %s only on the tasks port', async (path) => {
    expect((await fetch(`${sidecar.publicUrl}${path}`, { headers: IDENTITY })).status).toBe(404)
    const tasks = await fetch(`${sidecar.tasksUrl}${path}`, { headers: IDENTITY })
    expect([200, 404]).toContain(tasks.status)
    if (path !== '/v0/node-id') expect(tasks.status).toBe(200)
  })

  it('rejects missing, empty and duplicated X-Remote-User with 401 and counts each reason', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing X-Remote-User header'],
      [{ 'x-remote-user': '' }, 'X-Remote-User header is empty'],
    ]
    for (const [headers, message] of cases) {
      const res = await fetch(`${sidecar.tasksUrl}/v0/tasks`, { headers })
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: string }).error).toBe(message)
    }
    const duplicated = await rawRequest(
      sidecar.tasksPort,
      'GET /v0/tasks HTTP/1.1\r\nHost: x\r\nX-Remote-User: a\r\nX-Remote-User: b\r\nConnection: close\r\n\r\n',
    )
    expect(duplicated).toMatch(/^HTTP\/1\.1 401/)
    expect(duplicated).toContain('X-Remote-User header sent 2 times')
    const metrics = await (await fetch(`${sidecar.publicUrl}/v0/metrics`)).text()
    for (const reason of ['missing_header', 'empty_header', 'duplicate_header']) {
      expect(metrics).toMatch(
        new RegExp(`seictl_sidecar_authn_rejections_total\\{reason="${reason}"\\} [1-9]`),
      )
    }
  })

  it('answers a raw HTTP/1.0 probe', async () => {
    const response = await rawRequest(sidecar.publicPort, 'GET /v0/livez HTTP/1.0\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.[01] 200/)
    expect(response.endsWith('ok')).toBe(true)
  })

  it('answers oversized headers with a JSON 431 on both listeners and keeps serving', async () => {
    for (const port of [sidecar.tasksPort, sidecar.publicPort]) {
      const response = await rawRequest(
        port,
        `GET /v0/livez HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(40_000)}\r\n\r\n`,
      )
      expect(response).toMatch(/^HTTP\/1\.1 431/)
      expect(response).toContain('{"error":"request headers too large","code":"HEADERS_TOO_LARGE"}')
    }
    expect((await fetch(`${sidecar.publicUrl}/v0/livez`)).status).toBe(200)
  })

  it('answers a malformed request line with a JSON 400', async () => {
    const response = await rawRequest(sidecar.tasksPort, 'NOT HTTP AT ALL\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 400/)
    expect(response).toContain('"code":"BAD_REQUEST"')
  })
})

describe('legacy rollout switch (real process)', () => {
  it('serves the public paths on the tasks port without identity, and warns in the log', async () => {
    const legacyHome = makeHome()
    const legacy = await startSidecar({
      home: legacyHome.home,
      env: { SEI_SIDECAR_LEGACY_PUBLIC_PATHS: 'true' },
    })
    try {
      expect((await fetch(`${legacy.tasksUrl}/v0/startupz`)).status).toBe(200)
      expect((await fetch(`${legacy.tasksUrl}/v0/metrics`)).status).toBe(200)
      expect((await fetch(`${legacy.tasksUrl}/v0/tasks`)).status).toBe(401)
      const warning = legacy
        .output()
        .split('\n')
        .find((line) => line.includes('legacy switch on'))
      expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40 })
    } finally {
      await stopSidecar(legacy)
      legacyHome.remove()
    }
  })
})

describe('start-up validation (real process)', () => {
  function run(env: Record<string, string>, args: string[] = []) {
    const result = spawnSync(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', SEI_CHAIN_ID: 'test-1', SEI_HOME: home.home, ...env },
      encoding: 'utf8',
      timeout: 15_000,
    })
    return { code: result.status, stderr: result.stderr, stdout: result.stdout }
  }

  it.each([
    [{ SEI_SIDECAR_PUBLIC_PORT: 'abc' }, 'SEI_SIDECAR_PUBLIC_PORT="abc"'],
    [{ SEI_SIDECAR_PORT: '65536' }, 'SEI_SIDECAR_PORT="65536": port out of range'],
    [{ SEI_SIDECAR_PORT: '9300', SEI_SIDECAR_PUBLIC_PORT: '9300' }, 'the two listeners need different ports'],
    [{ SEI_SIDECAR_AUTHN_MODE: 'mtls' }, 'SEI_SIDECAR_AUTHN_MODE="mtls": unknown mode'],
    [{ SEI_CHAIN_ID: '' }, 'SEI_CHAIN_ID is required'],
  ])('exits non-zero before binding for %j', (env, message) => {
    const { code, stderr } = run(env)
    expect(code).toBe(1)
    expect(stderr).toContain(message)
  })

  it('exits non-zero naming SEI_HOME when it is not writable', () => {
    const file = join(home.home, 'a-file')
    writeFileSync(file, '')
    const { code, stderr } = run({ SEI_HOME: join(file, 'home') })
    expect(code).toBe(1)
    expect(stderr).toContain(`SEI_HOME="${join(file, 'home')}": not a writable directory (ENOTDIR`)
  })

  it('exits 1 naming the variable and the port when the public port is taken', async () => {
    const port = sidecar.publicPort
    const tasksPort = await freePort()
    const other = makeHome()
    const { code, stderr } = run({
      SEI_SIDECAR_PORT: String(tasksPort),
      SEI_SIDECAR_PUBLIC_PORT: String(port),
      SEI_HOME: other.home,
    })
    other.remove()
    expect(code).toBe(1)
    expect(stderr).toContain(
      `sei-sidecar: start-up failed: SEI_SIDECAR_PUBLIC_PORT=${port}: cannot listen on [::]:${port}: port already in use`,
    )
  })

  it('exits 1 naming the variable and the port when the tasks port is taken', async () => {
    const other = makeHome()
    const { code, stderr } = run({
      SEI_SIDECAR_PORT: String(sidecar.tasksPort),
      SEI_SIDECAR_PUBLIC_PORT: String(await freePort()),
      SEI_HOME: other.home,
    })
    other.remove()
    expect(code).toBe(1)
    expect(stderr).toContain(
      `SEI_SIDECAR_PORT=${sidecar.tasksPort}: cannot listen on 127.0.0.1:${sidecar.tasksPort}: port already in use`,
    )
  })

  it('prints --help with every env variable and its default', () => {
    const { code, stdout } = run({}, ['--help'])
    expect(code).toBe(0)
    for (const pattern of [
      /SEI_SIDECAR_PORT +7777 /,
      /SEI_SIDECAR_PUBLIC_PORT +9100 /,
      /SEI_SIDECAR_AUTHN_MODE +trusted-header /,
      /SEI_HOME +\/sei /,
      /SEI_CHAIN_ID +\(required\) /,
      /SEI_SIDECAR_LEGACY_PUBLIC_PATHS +false /,
      /SEI_SIDECAR_SEID_RPC_URL +http:\/\/127\.0\.0\.1:26657 /,
      /SEI_SIDECAR_TASK_RETENTION_HOURS +168 /,
      /Limits:\n {2}params: depth 16/,
      /mark-ready/,
      /restart-seid/,
    ]) {
      expect(stdout).toMatch(pattern)
    }
  })

  it('rejects an unknown argument with exit code 2', () => {
    expect(run({}, ['--frobnicate']).code).toBe(2)
  })
})
