import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Limits on a real Redis: Debian's `redis-server`, started by each test file on 127.0.0.1 at a
 * free port and stopped after it (three masters of a Redis Cluster for `limits.cluster`), and
 * Debian's Chromium for what a cross-origin page can read
 * (`npx vitest run -c test/redis/vitest.config.ts`). Kept out of the unit run so that needs
 * neither; `npm test` runs it as its own stage.
 */
export default defineConfig({
  // The server entry's per-runtime signer (package.json `imports` point at dist/): Node's, from source.
  resolve: {
    alias: [{ find: /^#signJwt$/, replacement: fileURLToPath(new URL('../../src/server/platform/signJwt.node.ts', import.meta.url)) }],
  },
  test: {
    name: 'redis',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.redis.test.ts'],
    environment: 'node',
    setupFiles: ['../setup.ts'],
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
