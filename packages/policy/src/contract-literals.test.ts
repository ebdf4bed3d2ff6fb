import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PORTS, SEID_PORTS } from '@sei-k8s/contract'
import { expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('.', import.meta.url))

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return productFiles(path)
    const isTest = entry.name.endsWith('.test.ts') || entry.name.startsWith('test-')
    return entry.name.endsWith('.ts') && !isTest ? [path] : []
  })
}

it('keeps every port number and label key out of product code: they come from the contract', () => {
  const ports = [...Object.values(PORTS), ...Object.values(SEID_PORTS).map((p) => p.port)]
  const literal = new RegExp(
    `(?<![\\d.])(${ports.join('|')})(?![\\d])|sei\\.io/|kubernetes\\.io/|io\\.cilium\\.|io\\.kubernetes\\.`,
  )
  const offenders = productFiles(SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((text, index) => ({ file: file.slice(SRC.length), line: index + 1, text: text.trim() }))
      // Comments may name a label for the reader; code may not spell it.
      .filter(({ text }) => !/^(\/\/|\/\*|\*)/.test(text) && literal.test(text)),
  )
  expect(offenders).toEqual([])
})
