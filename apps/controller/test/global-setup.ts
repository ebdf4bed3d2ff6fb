/**
 * Builds dist/ once before the tests: the CLI tests run the real `node dist/main.js` process, and
 * `npm test` does not build the package itself (turbo's test task depends on dependencies' builds only).
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' })
}
