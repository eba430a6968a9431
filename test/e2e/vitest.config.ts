import { defineConfig } from 'vitest/config';

/**
 * End to end: Chromium, the Go-built LiveKit server and a real agent on loopback
 * (`npx vitest run -c test/e2e/vitest.config.ts`, after `npm run build`). The real parts start
 * once in the global setup; files run one after another (they share the server and the agent).
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('.', import.meta.url).pathname,
    // `E2E_PEERS=oldest` (npm test's e2e stage on the oldest peers): the connect scenario only.
    include: process.env.E2E_PEERS === 'oldest' ? ['connect.e2e.test.ts', 'peers.e2e.test.ts'] : ['**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
