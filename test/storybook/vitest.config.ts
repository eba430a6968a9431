import { defineConfig } from 'vitest/config';

/**
 * Every story and docs page of the static Storybook (`storybook-static/`, built first by the
 * `npm test` stage) rendered in Debian's Chromium: `npx vitest run -c test/storybook/vitest.config.ts`.
 */
export default defineConfig({
  test: {
    name: 'storybook',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.storybook.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    maxConcurrency: 3,
    hookTimeout: 60_000,
  },
});
