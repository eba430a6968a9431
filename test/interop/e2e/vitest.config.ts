import { defineConfig } from 'vitest/config';

/**
 * Interop end to end: the standard token endpoints written with LiveKit's Go and Python server
 * SDKs, called by the provider's `tokenEndpoint` in Chromium, against the Go-built LiveKit server
 * and a real agent (`flock /tmp/lk-ports.lock npx vitest run -c test/interop/e2e/vitest.config.ts`,
 * after `npm run build`). The endpoints build once per machine into `$LKCTR_CACHE/interop/`.
 */
export default defineConfig({
  test: {
    name: 'interop',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
