import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BinaryPaths, findBinaries } from './binaries.js'
import { TestenvError } from './errors.js'
import type { KubeObject } from './kube-object.js'
import {
  type AllowedConnection,
  type ConnectionQuery,
  evalArgs,
  listArgs,
  parseConnlistJson,
  parseEvalOutput,
} from './netpol-output.js'

export interface AnalyzeOptions {
  readonly binaries?: BinaryPaths
}

/** A directory of manifests, or objects (Namespaces, Pods/workloads, NetworkPolicies) to analyse. */
export type AnalyzerInput = string | readonly KubeObject[]

/**
 * analyzeNetworkPolicies runs the np-guard analyzer (`netpolicy list`) and returns every allowed
 * connection between the workloads (and IP blocks) of the input. A pair that is absent is denied.
 */
export function analyzeNetworkPolicies(
  input: AnalyzerInput,
  options: AnalyzeOptions = {},
): Promise<AllowedConnection[]> {
  return withManifestDir(input, async (dir) => parseConnlistJson(await run(options, listArgs(dir))))
}

/** evalConnection asks the analyzer whether one pod may connect to another on a port. */
export function evalConnection(
  input: AnalyzerInput,
  query: ConnectionQuery,
  options: AnalyzeOptions = {},
): Promise<boolean> {
  return withManifestDir(input, async (dir) => parseEvalOutput(await run(options, evalArgs(dir, query))))
}

function run(options: AnalyzeOptions, args: readonly string[]): Promise<string> {
  const binary = (options.binaries ?? findBinaries()).netpolicy
  return new Promise((resolve, reject) => {
    execFile(binary, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        const detail = `${error.message} ${stderr.trim()} ${stdout.trim()}`.trim()
        reject(
          new TestenvError('analyzerFailed', `netpolicy ${args.join(' ')} failed: ${detail}`, {
            cause: error,
          }),
        )
      } else {
        resolve(stdout)
      }
    })
  })
}

async function withManifestDir<T>(input: AnalyzerInput, fn: (dir: string) => Promise<T>): Promise<T> {
  if (typeof input === 'string') {
    if (!statSync(input, { throwIfNoEntry: false })?.isDirectory()) {
      throw new TestenvError('invalidInput', `${input} is not a directory`)
    }
    return fn(input)
  }
  const dir = mkdtempSync(join(tmpdir(), 'sei-testenv-netpol-'))
  try {
    // JSON is YAML: one document per file keeps the analyzer's YAML scanner happy without a YAML library.
    input.forEach((object, index) => {
      writeFileSync(
        join(dir, `${String(index).padStart(3, '0')}.yaml`),
        `${JSON.stringify(object, null, 2)}\n`,
      )
    })
    return await fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
