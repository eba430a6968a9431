import { defineConfig } from 'vitest/config';

/**
 * `npm start` (`scripts/start.mjs`) when what it needs is taken: another program on Storybook's port,
 * on the LiveKit server's. Uses the LiveKit ports: `flock /tmp/lkctr-stage.lock npx vitest run -c test/storybook/start.vitest.config.ts`.
 */
export default defineConfig({
  test: {
    name: 'npm-start',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.start.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    fileParallelism: false,
  },
});
