import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `MUTATION_TESTS=session npm run mutation -- --mutate src/providers/session/<file>`: the tests for
 * the session's files instead — its own unit tests, and the provider tests that end a session in
 * each way those files tell apart (a device refused, the server ending it, a remount on a shared
 * room). The rest of the React suite covers them too, but would cost minutes per mutant; a mutant
 * only it kills survives here (MUTATION.md lists which were checked by hand).
 */
const session = {
  test: {
    name: 'session',
    include: ['test/providers/session/**/*.test.ts', 'test/providers/{mediaFailure,disconnect,serverEndsStart,remount}.test.tsx'],
    environment: 'jsdom',
    // The main config's setup: Testing Library's cleanup between tests, and the upstream warnings it quiets.
    setupFiles: ['test/setup.ts'],
    restoreMocks: true,
    testTimeout: 10_000,
  },
};

/**
 * `MUTATION_TESTS=session-unit`: the session's own unit tests alone (`test/providers/session`), a
 * second or two per mutant, for the files they drive directly (`startSession.ts`, `hooks/internal/roomLeaving.ts`,
 * `SessionRunner.ts`, …).
 */
const sessionUnit = { test: { ...session.test, name: 'session-unit', include: ['test/providers/session/**/*.test.ts'] } };

/**
 * `MUTATION_TESTS=lifecycle npm run mutation -- --mutate src/providers/session/useSessionLifecycle.ts`:
 * the quicker provider tests that end a session, or judge its agent, in each way the lifecycle tells
 * apart (an agent that leaves, for a reason, during or after its start or a reconnect; the server, a
 * cleanup or a remount ending the call). Every mutant of the hook's body runs all of them. The
 * slower files that cover it too (`activity`, `roomProp`, `leftWithLiveKitControls`, `longCallEnd`,
 * `newFailureAfterRetry`: 5 s a mutant more) are left out; MUTATION.md says which survivors they kill.
 */
const lifecycle = {
  test: {
    ...session.test,
    name: 'lifecycle',
    include: [
      'test/providers/session/useSessionLifecycle.test.tsx',
      'test/providers/{agent,agentLeftReason,agentLeftThenRestart,agentFailedRetryable,agentJoinedWithoutState}.test.tsx',
      'test/providers/{disconnect,serverEndsStart,remount,afterUnmount,startWhileLive}.test.tsx',
    ],
  },
};

/**
 * The tests Stryker runs against each mutant of `src/core` and `src/server` (`npm run mutation`):
 * the framework-free core's suite (under jsdom, for the tab's visibility and the online event) and
 * the server's (in Node). Leaving the React layer and the React 18 rerun out keeps a mutation run
 * on a 2-core machine within minutes.
 */
export default defineConfig({
  test: {
    // Modules are loaded once per worker, not once per file and mutant: Stryker switches mutants
    // at run time, so reloading them would only cost time.
    isolate: false,
    projects:
      process.env.MUTATION_TESTS === 'session'
        ? [session]
        : process.env.MUTATION_TESTS === 'session-unit'
          ? [sessionUnit]
          : process.env.MUTATION_TESTS === 'lifecycle'
            ? [lifecycle]
            : [
                {
                  test: {
                    name: 'core',
                    include: ['test/core/**/*.test.ts'],
                    // The refresh-ahead property test: 8 runs per mutant, not 30 (see the test).
                    env: { REFRESH_PROPERTY_RUNS: '8' },
                    // jsdom, as in the main config: the token source's tests drive the tab's visibility and
                    // the browser's online event through `document` and `window`.
                    environment: 'jsdom',
                    setupFiles: ['test/mutation/setup.ts'],
                    restoreMocks: true,
                    // A mutant that makes a test wait forever fails here, in vitest, which is far cheaper than
                    // Stryker's own timeout (it restarts the worker). Instrumented tests pass in well under this.
                    testTimeout: 10_000,
                  },
                },
                {
                  // package.json's `#signJwt` points at dist/, which the Stryker sandbox does not copy: Node's signer, from source
                  // (as in the main vitest.config.ts). Without it every server test file failed to load and Stryker, counting
                  // none of them, reported the whole server entry as uncovered.
                  resolve: {
                    alias: [
                      {
                        find: /^#signJwt$/,
                        replacement: fileURLToPath(new URL('../../src/server/platform/signJwt.node.ts', import.meta.url)),
                      },
                    ],
                  },
                  test: {
                    name: 'server',
                    include: ['test/server/**/*.test.ts'],
                    // mintToken's property test: 200 generated requests per mutant, not 10 000 (see the test).
                    env: { MINT_PROPERTY_RUNS: '200' },
                    environment: 'node',
                    setupFiles: ['test/mutation/setup.ts'],
                    restoreMocks: true,
                    // A mutant that makes a test wait forever fails here, in vitest, which is far cheaper than
                    // Stryker's own timeout (it restarts the worker). Instrumented tests pass in well under this.
                    testTimeout: 10_000,
                  },
                },
              ],
  },
});
