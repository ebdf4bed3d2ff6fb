/**
 * Unpacks a released image with umoci and runs its entrypoint the way a runtime would: the runtime spec
 * umoci writes (args, env, cwd, uid/gid from the image config), inside new mount and network namespaces,
 * on a read-only bind of the unpacked root, as the image's user. Only a tmpfs on /tmp is writable.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface UnpackedImage {
  readonly rootfs: string
  readonly args: readonly string[]
  readonly env: readonly string[]
  readonly cwd: string
  readonly uid: number
  readonly gid: number
}

function run(command: string, args: readonly string[], input?: string) {
  const result = spawnSync(command, [...args], { encoding: 'utf8', input, timeout: 60_000 })
  if (result.error) throw result.error
  return result
}

function must(command: string, args: readonly string[]): string {
  const result = run(command, args)
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return result.stdout
}

/** Unpacks archive (an oci-archive) tagged tag into workDir/bundle with `umoci unpack`. */
export function unpackImage(archive: string, tag: string, workDir: string): UnpackedImage {
  const layout = join(workDir, 'layout')
  mkdirSync(layout, { recursive: true })
  must('tar', ['-xf', archive, '-C', layout])
  const bundle = join(workDir, 'bundle')
  must('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle])
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as {
    process: { args: string[]; env: string[]; cwd: string; user: { uid: number; gid: number } }
  }
  const { args, env, cwd, user } = spec.process
  return { rootfs: join(bundle, 'rootfs'), args, env, cwd, uid: user.uid, gid: user.gid }
}

function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** The shell lines (run as root on the host, inside the new namespaces) that mount the read-only root. */
function mountLines(image: UnpackedImage, mnt: string): string[] {
  return [
    'set -e',
    'ip link set lo up',
    `mount --bind ${shq(image.rootfs)} ${shq(mnt)}`,
    `mount -o remount,bind,ro ${shq(mnt)}`,
    // Proof the bind is read-only: even root here cannot create a file in it.
    `if touch ${shq(`${mnt}/.rw-probe`)} 2>/dev/null; then echo 'the image root is writable' >&2; exit 97; fi`,
    `mount -t tmpfs -o size=64m,mode=1777 tmpfs ${shq(`${mnt}/tmp`)}`,
  ]
}

/** The command that starts the entrypoint (plus extraArgs) in mnt as the image's user, env cleared. */
function entrypoint(
  image: UnpackedImage,
  mnt: string,
  extraEnv: readonly string[],
  extraArgs: readonly string[],
) {
  return [
    'env',
    '-i',
    ...[...image.env, ...extraEnv].map(shq),
    'unshare',
    `--root=${shq(mnt)}`,
    `--wd=${shq(image.cwd)}`,
    `--setuid=${image.uid}`,
    `--setgid=${image.gid}`,
    ...[...image.args, ...extraArgs].map(shq),
  ].join(' ')
}

/** Runs the entrypoint with extraArgs to completion, stdin from input; returns its exit code and output. */
export function runToCompletion(
  image: UnpackedImage,
  mnt: string,
  extraArgs: readonly string[],
  input: string,
): { code: number | null; stdout: string; stderr: string } {
  mkdirSync(mnt, { recursive: true })
  const script = [...mountLines(image, mnt), `exec ${entrypoint(image, mnt, [], extraArgs)}`].join('\n')
  const result = run('unshare', ['--mount', '--net', '--fork', '--', 'sh', '-c', script], input)
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * Starts the entrypoint in the background, then polls url from the same network namespace with the
 * test's own node (outside the image) until it answers 2xx or ~10 s pass; prints `status body`.
 */
export function runAndProbe(
  image: UnpackedImage,
  mnt: string,
  extraEnv: readonly string[],
  writableDirs: readonly string[],
  url: string,
): { code: number | null; stdout: string; stderr: string } {
  mkdirSync(mnt, { recursive: true })
  const probe = `fetch(${JSON.stringify(url)}).then(async (r) => { console.log(r.status, await r.text()); process.exit(r.ok ? 0 : 1) }).catch(() => process.exit(1))`
  const script = [
    ...mountLines(image, mnt),
    ...writableDirs.map(
      (dir) => `mkdir -p ${shq(`${mnt}${dir}`)} && chown ${image.uid}:${image.gid} ${shq(`${mnt}${dir}`)}`,
    ),
    `${entrypoint(image, mnt, extraEnv, [])} >&2 &`,
    'pid=$!',
    'ok=1; i=0',
    `while [ $i -lt 100 ]; do if ${shq(process.execPath)} -e ${shq(probe)}; then ok=0; break; fi; i=$((i+1)); sleep 0.1; done`,
    'kill $pid 2>/dev/null || true; wait $pid || true',
    'exit $ok',
  ].join('\n')
  const result = run('unshare', ['--mount', '--net', '--fork', '--', 'sh', '-c', script])
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
