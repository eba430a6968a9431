import { defineConfig } from 'vitest/config';

/**
 * The Next.js example, from the packed package (`npx vitest run -c test/nextjs/vitest.config.ts`,
 * after `npm run build`): `next build`, then `next start` on 127.0.0.1 with the real LiveKit server,
 * the e2e agent and Chromium, all started once in the global setup.
 */
export default defineConfig({
  test: {
    name: 'nextjs',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.nextjs.test.ts'],
    environment: 'node',
    globalSetup: ['globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
