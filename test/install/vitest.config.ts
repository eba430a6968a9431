import { defineConfig } from 'vitest/config';

/**
 * The install path the README gives until the package is published: from the git repository,
 * whose `prepare` script builds `dist/` (`npx vitest run -c test/install/vitest.config.ts`).
 */
export default defineConfig({
  test: {
    name: 'install',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.install.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
