/**
 * argv → generator input for `sei-policy generate`. Pure: no process, env or fs access.
 * Option values are checked later by parsePolicyOptions; only the command-line shape is checked here.
 */
import { parseArgs } from 'node:util'
import type { OptionName } from '../input.js'

const OUTPUT_FORMATS = ['yaml', 'json'] as const
type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly messages: readonly string[] }
  | {
      readonly kind: 'generate'
      /** Generator input, unvalidated: parsePolicyOptions checks it and names the flags on error. */
      readonly input: Readonly<Record<string, unknown>>
      readonly output: OutputFormat
      readonly outDir?: string
    }

/** The flag that sets each generator option, so option errors name what the user typed. */
export const OPTION_FLAGS: Readonly<Record<OptionName, string>> = {
  namespaces: '--namespace',
  controllerNamespace: '--controller-namespace',
  controllerPodLabels: '--controller-label',
  controllerServiceAccount: '--controller-service-account',
  monitoringNamespace: '--monitoring-namespace',
  prometheusPodLabels: '--prometheus-label',
  publicPorts: '--public-port',
  nodeCidrs: '--node-cidr',
  rpcFrom: '--rpc-from',
  p2pFrom: '--p2p-from',
  allowRemoteNodes: '--allow-remote-nodes',
  flavor: '--flavor',
}

const FLAGS = {
  namespace: { type: 'string', short: 'n', multiple: true },
  'controller-namespace': { type: 'string' },
  'controller-label': { type: 'string', multiple: true },
  'controller-service-account': { type: 'string' },
  'monitoring-namespace': { type: 'string' },
  'prometheus-label': { type: 'string', multiple: true },
  'public-port': { type: 'string', multiple: true },
  'node-cidr': { type: 'string', multiple: true },
  'rpc-from': { type: 'string', multiple: true },
  'p2p-from': { type: 'string', multiple: true },
  'allow-remote-nodes': { type: 'boolean' },
  flavor: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'out-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Parses argv (without node and script). Never throws. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true })
  } catch (error) {
    return { kind: 'usage-error', messages: [error instanceof Error ? error.message : String(error)] }
  }
  const { values, positionals } = parsed
  const [command, ...extra] = positionals
  if (values.help === true || command === 'help') return { kind: 'help' }
  if (command === undefined)
    return { kind: 'usage-error', messages: ['missing command: sei-policy generate …'] }
  const messages: string[] = []
  if (command !== 'generate') messages.push(`unknown command "${command}" (the only command is "generate")`)
  if (extra.length > 0) messages.push(`unexpected argument(s): ${extra.join(' ')}`)
  const output = values.output ?? 'yaml'
  if (!isOutputFormat(output))
    messages.push(`-o/--output "${output}": must be one of ${OUTPUT_FORMATS.join(', ')}`)
  if (output === 'json' && values['out-dir'] !== undefined) {
    messages.push('--out-dir writes kustomize YAML folders; it cannot be combined with -o json')
  }
  if (values.namespace === undefined)
    messages.push('--namespace is required (repeat it for several namespaces)')
  const controllerPodLabels = labelsOf('--controller-label', values['controller-label'], messages)
  const prometheusPodLabels = labelsOf('--prometheus-label', values['prometheus-label'], messages)
  if (messages.length > 0 || !isOutputFormat(output)) return { kind: 'usage-error', messages }
  const input: Record<string, unknown> = {
    namespaces: values.namespace,
    controllerNamespace: values['controller-namespace'],
    controllerPodLabels,
    controllerServiceAccount: values['controller-service-account'],
    monitoringNamespace: values['monitoring-namespace'],
    prometheusPodLabels,
    publicPorts: values['public-port']?.map(portOf),
    nodeCidrs: values['node-cidr'],
    rpcFrom: values['rpc-from'],
    p2pFrom: values['p2p-from'],
    allowRemoteNodes: values['allow-remote-nodes'],
    flavor: values.flavor,
  }
  // Unset flags leave the option out, so the library applies the contract's defaults.
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))
  return {
    kind: 'generate',
    input: defined,
    output,
    ...(values['out-dir'] === undefined ? {} : { outDir: values['out-dir'] }),
  }
}

/** A decimal port number, or the text itself so validation reports it as given. */
function portOf(text: string): number | string {
  return /^[0-9]{1,5}$/.test(text) ? Number(text) : text
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value)
}

/** `KEY=VALUE` pairs → labels; a pair without "=" is a usage error naming the flag and value. */
function labelsOf(
  flag: string,
  pairs: readonly string[] | undefined,
  messages: string[],
): Record<string, string> | undefined {
  if (pairs === undefined) return undefined
  const labels: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) {
      messages.push(`${flag} "${pair}": expected KEY=VALUE, e.g. app=prometheus`)
      continue
    }
    labels[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return labels
}
