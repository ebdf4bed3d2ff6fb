/** The shipped-files helpers live in src/ (the demo uses them too); test files may import them from here. */
export { controllerExample } from '../../src/package-files.js'
