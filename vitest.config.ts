import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const react18 = fileURLToPath(new URL('./test/react18/node_modules', import.meta.url));
const peersOldest = fileURLToPath(new URL('./test/peers-oldest/node_modules', import.meta.url));
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
    '**/node_modules/**',
    'test/e2e/**',
    'test/**/*.e2e.test.ts',
    'test/storybook/**',
    'test/nextjs/**',
    'test/package/**',
    'test/server/**',
    'test/redis/**',
    'test/runtimes/**',
    'test/install/**',
    'test/scripts/**',
  ],
  environment: 'jsdom',
  // One jsdom per worker, not per file: a fresh one per file was 40 % of the run (38 of 91 s for
  // React 19). Tests share nothing through it: Testing Library unmounts after each test and
  // `restoreMocks` undoes spies. Checked with the files shuffled (`--sequence.shuffle.files`).
  isolate: false,
  setupFiles: ['test/setup.ts'],
  restoreMocks: true,
} satisfies TestProjectInlineConfiguration['test'];

/**
 * Unit and component tests, run three times: against React 19 and the newest LiveKit packages
 * (the dev dependencies), React 18 (`test/react18`, installed by `npm test`, aliased in; all but
 * `test/core`, which has no React), and the oldest `livekit-client` and
 * `@livekit/components-react` the peer ranges allow (`test/peers-oldest`, aliased in the same
 * way). The server entry has no React: its tests run once, in Node.
 */
export default defineConfig({
  test: {
    // A worker per core. Vitest's default leaves one core to its main process, which on a 2-core
    // machine (CI's) ran every file on one worker: 333 s for the suite, 199 s with two.
    maxWorkers: '100%',
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
          // src/core and its tests import no React: they ran once already, in react19.
          exclude: [...shared.exclude, 'test/core/**'],
          env: { EXPECTED_REACT_MAJOR: '18' },
          server: { deps: { inline: reactConsumers } },
        },
      },
      {
        // Both stay external (loaded by Node, not Vite), so components-react's own
        // `import 'livekit-client'` reaches the same aliased copy and `instanceof` holds.
        resolve: {
          alias: [
            signJwtFromSource,
            { find: /^livekit-client$/, replacement: `${peersOldest}/livekit-client/dist/livekit-client.esm.mjs` },
            { find: /^@livekit\/components-react$/, replacement: `${peersOldest}/@livekit/components-react/dist/index.mjs` },
          ],
        },
        test: { ...shared, name: 'peers-oldest', env: { EXPECTED_REACT_MAJOR: '19', EXPECTED_LIVEKIT_CLIENT: '2.20.0' } },
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
      // What a contributor meets: the scripts behind `npm test` and `npm start`, run as processes.
      {
        test: {
          name: 'scripts',
          include: ['test/scripts/**/*.test.ts'],
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
