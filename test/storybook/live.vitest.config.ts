import { defineConfig } from 'vitest/config';

/**
 * The live Playground of the static Storybook (`storybook-static/`) against the Go-built LiveKit
 * server and the agent worker, in Debian's Chromium: `flock /tmp/lk-ports.lock npx vitest run -c test/storybook/live.vitest.config.ts`.
 */
export default defineConfig({
  test: {
    name: 'storybook-live',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.live.test.ts'],
    environment: 'node',
    globalSetup: ['liveGlobalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
