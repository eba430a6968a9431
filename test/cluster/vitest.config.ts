import { defineConfig } from 'vitest/config';

/**
 * A LiveKit cluster: two nodes of the Go-built server sharing one Debian `redis-server`, with
 * Chromium and a real agent (`flock /tmp/lkctr-stage.lock npx vitest run -c test/cluster/vitest.config.ts`,
 * after `npm run build`). The parts start once in the global setup; the tests run in order (the
 * last one stops a node).
 */
export default defineConfig({
  test: {
    name: 'cluster',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['globalSetup.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 90_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    expect: { poll: { timeout: 20_000, interval: 100 } },
  },
});
