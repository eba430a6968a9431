import { join } from 'node:path';

/** Built as `examples/nextjs/.bench-<variant>`, so the example's node_modules (the packed package) resolve. */
const exampleDir = join(__dirname, '..');

export default { turbopack: { root: exampleDir }, outputFileTracingRoot: exampleDir };
