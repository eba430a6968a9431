// @ts-check
/**
 * `npm run mutation`: Stryker mutates `src/core` and `src/server` and reruns the tests that cover
 * each mutant (`test/mutation/vitest.config.ts`). A developer tool, not part of `npm test`; the
 * score and every surviving mutant's reason are in MUTATION.md.
 *
 * Incremental: results are kept in `.cache/stryker-incremental.json`, so a rerun tests only the
 * mutants whose code or covering tests changed (`npm run mutation -- --force` retests all).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  mutate: ['src/core/**/*.ts', 'src/server/**/*.ts', '!src/**/types.ts', '!src/server/index.ts'],
  coverageAnalysis: 'perTest',
  // Three workers on two cores: each mutant's run starts a fresh Vitest worker thread and spends
  // part of its time waiting on that, so a third worker fills the gaps (two left ~30 % idle).
  concurrency: 3,
  incremental: true,
  incrementalFile: '.cache/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.cache/mutation/index.html' },
  jsonReporter: { fileName: '.cache/mutation/mutation.json' },
  tempDirName: '.cache/stryker-tmp',
  // The sandbox needs only the code and its tests (node_modules is linked, not copied).
  ignorePatterns: [
    '/*',
    '!/src',
    '!/test',
    '!/package.json',
    '!/tsconfig.json',
    '/test/react18',
    '/test/peers-oldest',
    '/test/nextjs',
    '/test/storybook',
    '/test/e2e',
  ],
  cleanTempDir: 'always',
  // A mutant that hangs is cut off after this much more than its tests' normal time. Most hangs
  // end sooner, as a vitest test timeout (10 s, test/mutation/vitest.config.ts), without a worker
  // restart; this catches the rest (synchronous loops, tests with their own longer timeouts).
  timeoutMS: 10_000,
  // Mutants of module-level code (constants, schemas) would rerun every test each; they are
  // listed as ignored in the report rather than tested.
  ignoreStatic: true,
  thresholds: { high: 90, low: 85, break: 85 },
};
