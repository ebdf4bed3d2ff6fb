/**
 * The command line: argv → options → library call → exit code. Exit codes: 0 ok, 1 failure (bad input,
 * unreadable file, invalid config), 2 usage (unknown command or flag, missing or bad option value).
 * All I/O goes through `CliIo`, so tests can run it in-process and main.ts stays a few lines.
 */
import { parseArgs } from 'node:util'
import { toJsonArray, toYamlStream } from '@sei-k8s/policy'
import { pino } from 'pino'
import { parse } from 'yaml'
import { IMAGE_REF } from './api/schema-parts.js'
import { ControllerError, ERROR_CODES } from './errors.js'
import { DEFAULT_MANIFEST_OPTIONS, manifestFiles } from './manifests/index.js'
import { DEFAULT_PLATFORM, loadPlatformConfig, type PlatformConfig } from './platform.js'
import { renderSeiNodes } from './render.js'
import { run as runController } from './run.js'
import { parseRunArgs, RUN_HELP, RunUsageError } from './run-args.js'

export interface CliIo {
  readonly readFile: (path: string) => Promise<string>
  readonly readStdin: () => Promise<string>
  readonly writeFile: (path: string, content: string) => Promise<void>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Aborts `run` (main.ts wires SIGTERM and SIGINT to it). */
  readonly signal?: AbortSignal
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

const HELP = `Usage: sei-controller <command> [options]

Commands:
  run         Reconcile SeiNodes against the API server (the controller process).
  render      Print the objects the controller would apply for each SeiNode (offline, no cluster).
  manifests   Write the install manifests (CRD, RBAC, controller Deployment, kustomization.yaml).

${RUN_HELP}
render options:
  -f, --filename <file|->  SeiNode YAML, one or more documents (or a kind: List); '-' reads stdin. Required.
  -o, --output <yaml|json> Output format: a YAML multi-document stream (default) or a JSON array.
      --config <file>      Platform config YAML; its fields override the defaults:
                             images.sidecar      ${DEFAULT_PLATFORM.images.sidecar}
                             images.rbacProxy    ${DEFAULT_PLATFORM.images.rbacProxy}
                             nodeServiceAccount  ${DEFAULT_PLATFORM.nodeServiceAccount}
                             roles.<role>.resources / storageSize, sidecarResources, rbacProxyResources,
                             storageClassName

manifests options:
      --out-dir <dir>           Directory to write (default: config).
      --node-namespace <ns>     Namespace whose seid-node ServiceAccount gets kube-rbac-proxy's
                                TokenReview/SAR rights; repeatable (default: ${DEFAULT_MANIFEST_OPTIONS.nodeNamespaces.join(', ')}).
      --image <ref>             Controller image of the Deployment (default: ${DEFAULT_MANIFEST_OPTIONS.image}).
      --sidecar-image <ref>     Ship a platform config ConfigMap with this sidecar image and pass it to
                                \`run --config\` (default: none; the controller's built-in default applies).

  -h, --help                    Show this help.

Exit codes: 0 ok (run: stopped by SIGTERM/SIGINT), 1 invalid input or failure (every bad field is listed on
stderr; run: leadership lost or a start failure), 2 usage error.

Examples:
  sei-controller run --kubeconfig ~/.kube/config --namespace sei --health-port 0 --metrics-port 0
  sei-controller render -f examples/full-node.yaml
  cat nodes.yaml | sei-controller render -f - -o json --config platform.yaml
`

class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message)
}

async function loadPlatform(io: CliIo, path: string | undefined): Promise<PlatformConfig> {
  if (path === undefined) return DEFAULT_PLATFORM
  const text = await readInput(io, path)
  let file: unknown
  try {
    file = parse(text)
  } catch (error) {
    throw new ControllerError(
      ERROR_CODES.INVALID_PLATFORM_CONFIG,
      `reading platform config ${path}: not valid YAML`,
      {
        cause: error,
        details: [error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)],
      },
    )
  }
  const result = loadPlatformConfig(file)
  if (result.ok) return result.value
  throw new ControllerError(ERROR_CODES.INVALID_PLATFORM_CONFIG, `platform config ${path} is invalid`, {
    details: result.errors.map((e) => `${e.path}: ${e.message}`),
  })
}

async function readInput(io: CliIo, path: string): Promise<string> {
  try {
    return path === '-' ? await io.readStdin() : await io.readFile(path)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ControllerError(
      ERROR_CODES.INVALID_INPUT,
      `reading ${path === '-' ? 'stdin' : path}: ${reason}`,
      {
        cause: error,
      },
    )
  }
}

async function render(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      filename: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o', default: 'yaml' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) return help(io)
  if (values.filename === undefined) usage('render: -f/--filename is required (a file, or - for stdin)')
  const output = values.output
  if (output !== 'yaml' && output !== 'json')
    usage(`render: -o/--output must be yaml or json, got "${output}"`)
  const platform = await loadPlatform(io, values.config)
  const objects = renderSeiNodes(await readInput(io, values.filename), platform)
  io.stdout(output === 'json' ? toJsonArray(objects) : toYamlStream(objects))
  return EXIT.ok
}

async function manifests(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'out-dir': { type: 'string', default: 'config' },
      'node-namespace': { type: 'string', multiple: true },
      image: { type: 'string' },
      'sidecar-image': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) return help(io)
  const nodeNamespaces = values['node-namespace'] ?? DEFAULT_MANIFEST_OPTIONS.nodeNamespaces
  const image = values.image ?? DEFAULT_MANIFEST_OPTIONS.image
  const sidecarImage = values['sidecar-image']
  for (const [flag, ref] of [
    ['--image', image],
    ['--sidecar-image', sidecarImage],
  ] as const) {
    if (ref !== undefined && !new RegExp(IMAGE_REF).test(ref))
      usage(`manifests: ${flag} must be an image reference, got "${ref}"`)
  }
  const files = manifestFiles({
    ...DEFAULT_MANIFEST_OPTIONS,
    nodeNamespaces,
    image,
    ...(sidecarImage === undefined ? {} : { sidecarImage }),
  })
  const outDir = values['out-dir']
  for (const [path, content] of files) await io.writeFile(`${outDir}/${path}`, content)
  io.stderr(`wrote ${files.size} files under ${outDir}/\n`)
  return EXIT.ok
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseRunArgs(args)
  if (options.isHelp) return help(io)
  const platform = await loadPlatform(io, options.configPath)
  const log = pino(
    { level: options.logLevel, base: { controller: 'seinode' } },
    { write: (line: string) => io.stdout(line) },
  )
  const end = await runController({ ...options, platform }, log, io.signal ?? new AbortController().signal)
  log.info({ end }, 'controller stopped')
  return end === 'lost' ? EXIT.failure : EXIT.ok
}

function help(io: CliIo): number {
  io.stdout(HELP)
  return EXIT.ok
}

/** Runs one command line; never throws and never exits the process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'run':
        return await run(rest, io)
      case 'render':
        return await render(rest, io)
      case 'manifests':
        return await manifests(rest, io)
      case '-h':
      case '--help':
      case 'help':
        return help(io)
      case undefined:
        usage('missing command')
        break
      default:
        usage(`unknown command "${command}"`)
    }
  } catch (error) {
    return report(error, io)
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof RunUsageError || isParseArgsError(error)) {
    io.stderr(`error: ${(error as Error).message}\nRun 'sei-controller --help' for usage.\n`)
    return EXIT.usage
  }
  if (error instanceof ControllerError) {
    io.stderr(`error [${error.code}]: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join('')}`)
    return EXIT.failure
  }
  io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return EXIT.failure
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')
}
