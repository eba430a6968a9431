import { defineConfig } from 'vitest/config';

/**
 * Benchmarks that need React or a browser page, run by `bench/run.mjs` (never by `npm test`'s
 * unit stage): `jsdom` for generator calls and render counts, `browser` for connect time against
 * the real LiveKit server. Each file writes its table to `$BENCH_OUT/<row>.json`.
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'jsdom',
          include: ['bench/jsdom/**/*.bench.tsx'],
          environment: 'jsdom',
          setupFiles: ['bench/jsdom/setup.ts'],
          testTimeout: 120_000,
        },
      },
      { extends: true, test: { name: 'browser', include: ['bench/browser/**/*.bench.ts'], environment: 'node', testTimeout: 300_000 } },
    ],
  },
});
