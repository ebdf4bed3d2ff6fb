/**
 * `sei-policy` without the process: argv and output sinks in, exit code out, so tests drive it in
 * memory. Exit codes: 0 ok, 1 failure (files), 2 usage or invalid option values.
 */
import { generateFromOptions } from '../generate.js'
import { type OptionIssue, parsePolicyOptions } from '../input.js'
import { toJson, toYaml } from '../yaml.js'
import { OPTION_FLAGS, parseCliArgs } from './args.js'
import { helpText } from './help.js'
import { writeOutDir } from './out-dir.js'

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const EXIT = { ok: 0, failure: 1, usage: 2 } as const

const HINT = "run 'sei-policy --help' for the options\n"

/** Runs one command line and returns its exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseCliArgs(argv)
  if (command.kind === 'help') {
    io.stdout(helpText())
    return EXIT.ok
  }
  if (command.kind === 'usage-error') {
    io.stderr(command.messages.map((message) => `error: ${message}\n`).join('') + HINT)
    return EXIT.usage
  }
  const parsed = parsePolicyOptions(command.input)
  if (!parsed.ok) {
    io.stderr(parsed.issues.map((issue) => `error: ${formatFlagIssue(issue)}\n`).join('') + HINT)
    return EXIT.usage
  }
  const objects = generateFromOptions(parsed.options)
  if (command.outDir === undefined) {
    io.stdout(command.output === 'json' ? toJson(objects) : toYaml(objects))
    return EXIT.ok
  }
  try {
    const written = await writeOutDir(command.outDir, objects)
    io.stderr(
      `wrote ${objects.length} policies for ${parsed.options.namespaces.length} namespace(s) to ${command.outDir} (${written.length} files)\n`,
    )
    return EXIT.ok
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.failure
  }
}

/** `--node-cidr "10.0.0.1/16": has host bits set; …` — the flag the user typed, not the option key. */
function formatFlagIssue(issue: OptionIssue): string {
  const flag =
    issue.option in OPTION_FLAGS ? OPTION_FLAGS[issue.option as keyof typeof OPTION_FLAGS] : undefined
  if (flag === undefined) return `${issue.option}: ${issue.message}`
  const value = typeof issue.value === 'string' ? `"${issue.value}"` : JSON.stringify(issue.value)
  return `${flag} ${value}: ${issue.message}`
}
