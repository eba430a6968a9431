import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const react18 = fileURLToPath(new URL('./test/react18/node_modules', import.meta.url));
const testingLibraryEsm = fileURLToPath(
  new URL('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js', import.meta.url),
);

/** The server entry's per-runtime module (package.json `imports`, which point at `dist/`): Node's, from source. */
const signJwtFromSource = {
  find: /^#signJwt$/,
  replacement: fileURLToPath(new URL('./src/server/platform/signJwt.node.ts', import.meta.url)),
};

/** Packages that import React: inlined in the React 18 run so the alias reaches them too. */
const reactConsumers = [/@testing-library\/react/, /@tanstack\/react-query/, /@livekit\/components-react/];

const shared = {
  include: ['test/**/*.test.{ts,tsx}'],
  exclude: [
    'test/e2e/**',
    'test/**/*.e2e.test.ts',
    'test/storybook/**',
    'test/nextjs/**',
    'test/package/**',
    'test/server/**',
    'test/redis/**',
    'test/runtimes/**',
    'test/install/**',
  ],
  environment: 'jsdom',
  setupFiles: ['test/setup.ts'],
  restoreMocks: true,
} satisfies TestProjectInlineConfiguration['test'];

/**
 * Unit and component tests, run twice: against React 19 (the dev dependency) and React 18
 * (`test/react18`, installed by `npm test`, aliased in). The server entry has no React: its
 * tests run once, in Node.
 */
export default defineConfig({
  test: {
    projects: [
      { resolve: { alias: [signJwtFromSource] }, test: { ...shared, name: 'react19', env: { EXPECTED_REACT_MAJOR: '19' } } },
      {
        resolve: {
          alias: [
            signJwtFromSource,
            // Testing Library's `main` is CommonJS, whose `require('react-dom')` no alias reaches: use its ES build.
            { find: /^@testing-library\/react$/, replacement: testingLibraryEsm },
            { find: /^react$/, replacement: `${react18}/react/index.js` },
            { find: /^react\/(.*)$/, replacement: `${react18}/react/$1.js` },
            { find: /^react-dom$/, replacement: `${react18}/react-dom/index.js` },
            { find: /^react-dom\/(.*)$/, replacement: `${react18}/react-dom/$1.js` },
          ],
        },
        test: {
          ...shared,
          name: 'react18',
          env: { EXPECTED_REACT_MAJOR: '18' },
          server: { deps: { inline: reactConsumers } },
        },
      },
      {
        resolve: { alias: [signJwtFromSource] },
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup.ts'],
          restoreMocks: true,
        },
      },
      // Checks of the built package (`dist/`, made by the build stage of `npm test` before vitest runs).
      {
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup.ts'],
          restoreMocks: true,
        },
      },
    ],
  },
});
