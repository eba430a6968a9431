import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of `src/core` and `src/server` (`npm run mutation`):
 * the framework-free core's and the server's own suites, in Node. They need no DOM, and leaving
 * jsdom and the React 18 rerun out keeps a mutation run on a 2-core machine within minutes.
 */
export default defineConfig({
  test: {
    // Modules are loaded once per worker, not once per file and mutant: Stryker switches mutants
    // at run time, so reloading them would only cost time.
    isolate: false,
    projects: [
      {
        test: {
          name: 'core',
          include: ['test/core/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/mutation/setup.ts'],
          restoreMocks: true,
          // Instrumented code runs slower; the property tests need the room.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          // mintToken's property test: 200 generated requests per mutant, not 10 000 (see the test).
          env: { MINT_PROPERTY_RUNS: '200' },
          environment: 'node',
          setupFiles: ['test/mutation/setup.ts'],
          restoreMocks: true,
          // Instrumented code runs slower; the property tests need the room.
          testTimeout: 60_000,
        },
      },
    ],
  },
});
