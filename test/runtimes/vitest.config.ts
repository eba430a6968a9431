import { defineConfig } from 'vitest/config';

/**
 * The `/server` entry in every runtime it claims (`npx vitest run -c test/runtimes/vitest.config.ts`,
 * after `npm run build` and `node scripts/runtimes.mjs install`, which `npm test` runs on first
 * use): the built package, loaded by each runtime through package.json's conditions, each runtime
 * started once per file.
 */
export default defineConfig({
  test: {
    name: 'runtimes',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.runtimes.test.ts'],
    environment: 'node',
    // A file per core: each runtime's servers are its own, on ports of their own.
    maxWorkers: '100%',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
